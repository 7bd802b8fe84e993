/**
 * The Azure Pipelines oidctoken endpoint: `POST {SYSTEM_OIDCREQUESTURI}?api-version=7.1&
 * serviceConnectionId=<id>` with the job's access token, answered as Azure DevOps answers.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import type { Call, Reply } from '../http/call.js';
import { constantTimeEquals } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { randomGuid } from '../state/ids.js';
import { EMULATOR_TENANT_ID } from '../types.js';
import { issueFederatedToken } from './federatedCredentials.js';
import { FEDERATED_TOKEN_AUDIENCE } from './federationTypes.js';

const API_VERSION = /^\d+\.\d+(-preview(\.\d+)?)?$/;
const WEBAPI = 'Microsoft.VisualStudio.Services.WebApi';
const HTML = 'text/html; charset=utf-8';

/** Answers the oidctoken endpoint. Never echoes the access token. */
export async function pipelinesEndpoint(ctx: EmulatorContext, call: Call): Promise<Reply> {
  const now = ctx.now();
  if (!authorized(ctx, call)) return unauthenticated(ctx, call);
  if (call.method !== 'POST') {
    return devopsError(
      now,
      405,
      `The requested resource does not support http method '${call.method}'.`,
      'HttpMethodNotAllowedException',
    );
  }
  const refused = checkRequest(now, call);
  if (refused) return refused;
  const id = call.query['serviceConnectionId'] ?? '';
  const connection = ctx.pipelines.find(id);
  if (!connection) {
    return devopsError(
      now,
      404,
      `Service connection with id '${id}' could not be found, or the job is not authorized ` +
        'to use it.',
      'ServiceEndpointNotFoundException',
      'Microsoft.TeamFoundation.DistributedTask.WebApi',
    );
  }
  const oidcToken = await issueFederatedToken(ctx, {
    issuer: ctx.issuers.azureDevOps,
    subject: connection.subject,
    audience: FEDERATED_TOKEN_AUDIENCE,
    lifetimeSeconds: ctx.pipelines.tokenLifetimeSeconds,
  });
  return { status: 200, body: { oidcToken }, headers: devopsHeaders(now) };
}

/** The sign-in page the unauthenticated redirect points at (200, HTML, no `oidcToken`). */
export function pipelinesSignIn(now: number): Reply {
  const body =
    '<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head>' +
    '<body><h1>Sign in to Azure DevOps</h1><form method="post"></form></body></html>';
  return { status: 200, body, headers: { ...devopsHeaders(now), 'Content-Type': HTML } };
}

/** The reply of an injected status fault on the pipelines routes. */
export function pipelinesFault(now: number, status: number): Reply {
  if (status === 429) {
    return devopsError(
      now,
      429,
      'TF400733: The request has been canceled: Request was blocked due to exceeding usage ' +
        'of resource in namespace.',
      'RequestBlockedException',
    );
  }
  const message =
    status >= 500
      ? 'The service is temporarily unavailable. Please try again later.'
      : 'The request was rejected (injected fault).';
  return devopsError(now, status, message, 'VssServiceException');
}

function authorized(ctx: EmulatorContext, call: Call): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(call.headers['authorization'] ?? '');
  return constantTimeEquals(ctx.pipelines.systemAccessToken, match?.[1]);
}

/**
 * Azure DevOps without valid credentials: 401 when the client sends `X-TFS-FedAuthRedirect:
 * Suppress` (as the Azure SDKs do), otherwise a 302 to the sign-in page.
 */
function unauthenticated(ctx: EmulatorContext, call: Call): Reply {
  const now = ctx.now();
  const suppress = /^suppress$/i.test(call.headers['x-tfs-fedauthredirect'] ?? '');
  if (suppress) {
    const body =
      '<!DOCTYPE html><html><head><title>Access Denied</title></head><body>' +
      '<h1>401 - Unauthorized</h1><p>Access Denied: the request was not authenticated.</p>' +
      '</body></html>';
    const challenge =
      `Bearer authorization_uri=${ctx.url}/${EMULATOR_TENANT_ID}, ` +
      `Basic realm="${ctx.url}/", TFS-Federated`;
    const headers = { ...devopsHeaders(now), 'Content-Type': HTML, 'WWW-Authenticate': challenge };
    return { status: 401, body, headers };
  }
  const location = `${ctx.url}/_signin?realm=dev.azure.com&reply_to=${encodeURIComponent(
    `${ctx.url}${call.path}`,
  )}`;
  const body =
    `<html><head><title>Object moved</title></head><body>\r\n<h2>Object moved to ` +
    `<a href="${location.replace(/&/g, '&amp;')}">here</a>.</h2>\r\n</body></html>\r\n`;
  return {
    status: 302,
    body,
    headers: { ...devopsHeaders(now), 'Content-Type': HTML, Location: location },
  };
}

function checkRequest(now: number, call: Call): Reply | undefined {
  const version = call.query['api-version'];
  if (version === undefined || !API_VERSION.test(version)) {
    return devopsError(
      now,
      400,
      `No api-version was supplied for the "${call.method}" request. The version must be ` +
        'supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") ' +
        'or as a query parameter (e.g. "?api-version=1.0").',
      'VssVersionNotSpecifiedException',
    );
  }
  if (!call.query['serviceConnectionId']) {
    return devopsError(
      now,
      400,
      'Value cannot be null.\r\nParameter name: serviceConnectionId',
      'ArgumentNullException',
      'System',
    );
  }
  if (!/^application\/json\b/i.test(call.headers['content-type'] ?? '')) {
    return devopsError(
      now,
      415,
      "The request entity's media type is not supported: send 'Content-Type: application/json'.",
      'UnsupportedMediaTypeException',
    );
  }
  return undefined;
}

/** An Azure DevOps error body (`$id`, `message`, `typeName`, `typeKey`, ...). */
function devopsError(
  now: number,
  status: number,
  message: string,
  typeKey: string,
  namespace = WEBAPI,
): Reply {
  const assembly = namespace === 'System' ? 'mscorlib' : namespace;
  const body = {
    $id: '1',
    innerException: null,
    message,
    typeName: `${namespace}.${typeKey}, ${assembly}`,
    typeKey,
    errorCode: 0,
    eventId: 3000,
  };
  return { status, body, headers: devopsHeaders(now) };
}

/** The tracing headers Azure DevOps puts on every response. */
function devopsHeaders(now: number): Record<string, string> {
  const ref = randomBytes(16).toString('hex').toUpperCase();
  return {
    'x-vss-e2eid': randomGuid(),
    'x-msedge-ref': `Ref A: ${ref} Ref B: EMU01EDGE0101 Ref C: ${new Date(now).toISOString()}`,
    activityid: randomGuid(),
  };
}
