/**
 * Entra errors: what an error is before it is rendered, the errors of the protocol routes (worded
 * as Entra words them), and their rendering as Entra renders them (description with trace lines,
 * codes, ids). Client authentication and user-flow errors are listed in `clientErrors.ts` and
 * `grantErrors.ts`.
 *
 * @packageDocumentation
 */
import type { Call, Reply } from '../http/call.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { entraTimestamp, randomGuid } from '../state/ids.js';

/** An error before it is rendered: HTTP status, OAuth error, AADSTS code and message. */
export interface AadErrorSpec {
  status: number;
  error: string;
  /** The AADSTS code; absent for errors Entra would not number (e.g. unknown paths). */
  code?: number;
  message: string;
  /** Entra's `suberror` (e.g. `basic_action` for multifactor authentication required). */
  suberror?: string;
}

/** An error spec with an AADSTS code. */
export function spec(status: number, error: string, code: number, message: string): AadErrorSpec {
  return { status, error, code, message };
}

/** Errors of the protocol routes. */
export const aadErrors = {
  tenantNotFound: (tenant: string) =>
    spec(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are ` +
        'signing into the correct cloud. Check with your subscription administrator, this may ' +
        'happen if there are no active subscriptions for the tenant.',
    ),
  noTenantInformation: () =>
    spec(
      400,
      'invalid_request',
      50059,
      'No tenant-identifying information found in either the request or implied by any ' +
        'provided credentials.',
    ),
  missingParameter: (name: string) =>
    spec(
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    ),
  postOnly: (method: string) =>
    spec(
      400,
      'invalid_request',
      900561,
      `The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`,
    ),
  unsupportedGrant: (grant: string) =>
    spec(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grant}'.`,
    ),
  appNotFound: (clientId: string, tenant: string) =>
    spec(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. ` +
        'This can happen if the application has not been installed by the administrator of the ' +
        'tenant or consented to by any user in the tenant. You may have sent your authentication ' +
        'request to the wrong tenant.',
    ),
  invalidSecret: (clientId: string) =>
    spec(
      401,
      'invalid_client',
      7000215,
      'Invalid client secret provided. Ensure the secret being sent in the request is the client ' +
        `secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  scopeNotDefault: (scope: string) =>
    spec(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a ` +
        'scope value with /.default suffixed to the resource identifier (application ID URI).',
    ),
  multipleResources: (scope: string) =>
    spec(
      400,
      'invalid_scope',
      28000,
      'Provided value for the input parameter scope is not valid because it contains more than ' +
        `one resource. Scope ${scope} is not valid.`,
    ),
  resourceNotFound: (resource: string, tenant: string) =>
    spec(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. ` +
        'This can happen if the application has not been installed by the administrator of the ' +
        'tenant or consented to by any user in the tenant. You might have sent your ' +
        'authentication request to the wrong tenant.',
    ),
  unknownInstance: () => spec(400, 'invalid_instance', 50049, 'Unknown or invalid instance.'),
  notFound: (path: string): AadErrorSpec => ({
    status: 404,
    error: 'not_found',
    message: `The emulator has no endpoint at '${path}'.`,
  }),
  methodNotAllowed: (method: string): AadErrorSpec => ({
    status: 405,
    error: 'invalid_request',
    message: `The endpoint only accepts GET requests. Received a ${method} request.`,
  }),
  internal: () =>
    spec(
      500,
      'server_error',
      50000,
      'There was an error issuing a token or an issue with our sign-in service.',
    ),
};

/** The error an injected status fault answers with. */
export function faultError(status: number): AadErrorSpec {
  if (status === 429) {
    return spec(
      429,
      'too_many_requests',
      50196,
      'The server terminated an operation because it encountered a client request loop. ' +
        'Please contact your app vendor.',
    );
  }
  if (status === 503) {
    return spec(
      503,
      'temporarily_unavailable',
      90033,
      'A transient error has occurred. Please try again.',
    );
  }
  if (status >= 500) return { ...aadErrors.internal(), status };
  return spec(status, 'invalid_request', 90100, 'The request was rejected (injected fault).');
}

/** What an error body needs besides its spec. */
export interface ErrorEnvironment {
  /** The emulator's base URL (for `error_uri`). */
  url: string;
  /** The request's correlation id. */
  correlationId: string;
  /** The clock, ms. */
  now: () => number;
}

/** The Entra error body for `spec`. */
export function aadErrorBody(spec: AadErrorSpec, env: ErrorEnvironment): object {
  const traceId = randomGuid();
  const timestamp = entraTimestamp(env.now());
  const prefix = spec.code === undefined ? '' : `AADSTS${spec.code}: `;
  const description =
    `${prefix}${spec.message}\r\nTrace ID: ${traceId}\r\n` +
    `Correlation ID: ${env.correlationId}\r\nTimestamp: ${timestamp}`;
  return {
    error: spec.error,
    error_description: description,
    error_codes: spec.code === undefined ? [] : [spec.code],
    timestamp,
    trace_id: traceId,
    correlation_id: env.correlationId,
    error_uri: `${env.url}/error?code=${spec.code ?? 0}`,
    ...(spec.suberror === undefined ? {} : { suberror: spec.suberror }),
  };
}

/** What error rendering needs from a call. */
export function errorEnvironment(ctx: EmulatorContext, call: Call): ErrorEnvironment {
  return { url: ctx.url, correlationId: call.correlationId, now: ctx.now };
}

/** A reply carrying the Entra error body for `spec`. */
export function aadErrorReply(spec: AadErrorSpec, env: ErrorEnvironment): Reply {
  return { status: spec.status, body: aadErrorBody(spec, env) };
}
