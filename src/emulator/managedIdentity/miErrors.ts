/**
 * Errors of the managed identity endpoints, rendered in each host's own style. None echoes a
 * secret, a header value or a key.
 *
 * @packageDocumentation
 */
import type { Reply } from '../http/call.js';
import type { ManagedIdentitySource } from './miTypes.js';

/** An error before rendering: status, a machine code, a message. */
export interface MiError {
  status: number;
  /** `error` (OAuth style), `error.code` (Service Fabric); App Service style has none. */
  code: string;
  message: string;
}

/** Display names, for messages. */
export const SOURCE_LABELS: Readonly<Record<ManagedIdentitySource, string>> = {
  imds: 'IMDS',
  appService: 'App Service',
  serviceFabric: 'Service Fabric',
  cloudShell: 'Cloud Shell',
  machineLearning: 'Azure Machine Learning',
  arc: 'Azure Arc',
};

type ErrorStyle = 'oauth' | 'appService' | 'serviceFabric';

const STYLES: Readonly<Record<ManagedIdentitySource, ErrorStyle>> = {
  imds: 'oauth',
  arc: 'oauth',
  cloudShell: 'oauth',
  appService: 'appService',
  machineLearning: 'appService',
  serviceFabric: 'serviceFabric',
};

const err = (status: number, code: string, message: string): MiError => ({ status, code, message });

/** The errors the endpoints answer with. */
export const miErrors = {
  method: (method: string, allowed: string) =>
    err(405, 'invalid_request', `The endpoint only accepts ${allowed} requests, not ${method}.`),
  metadataHeader: () => err(400, 'invalid_request', 'Required metadata header not specified'),
  forwarded: () =>
    err(
      400,
      'invalid_request',
      'Requests with an X-Forwarded-For header are refused: the endpoint serves only its host.',
    ),
  identityHeaderMissing: () =>
    err(401, 'unauthorized', 'Unauthorized: the X-IDENTITY-HEADER header is missing.'),
  identityHeaderWrong: () =>
    err(403, 'forbidden', 'Forbidden: the X-IDENTITY-HEADER header value is not valid.'),
  secretMissing: () =>
    err(401, 'SecretHeaderNotFound', 'Secret is not found in the request headers.'),
  secretWrong: () => err(401, 'InvalidSecret', 'The secret in the request headers is not valid.'),
  apiVersion: (source: ManagedIdentitySource, expected: string, given?: string) =>
    err(
      400,
      'invalid_request',
      given === undefined
        ? `Bad request. api-version was not specified in the request (${SOURCE_LABELS[source]} ` +
            `expects ${expected}).`
        : `Bad request. api-version '${given}' is not supported (${SOURCE_LABELS[source]} ` +
            `expects ${expected}).`,
    ),
  resourceMissing: () =>
    err(400, 'invalid_request', 'Required audience parameter not specified: resource.'),
  resourceUnknown: (resource: string, tenant: string) =>
    err(
      400,
      'invalid_resource',
      `AADSTS500011: The resource principal named ${resource} was not found in the tenant ` +
        `named ${tenant}.`,
    ),
  selectorRefused: (source: ManagedIdentitySource, param: string, accepted: readonly string[]) =>
    err(
      400,
      'invalid_request',
      accepted.length === 0
        ? `${SOURCE_LABELS[source]} does not support user-assigned identities: '${param}' ` +
            'is not accepted.'
        : `${SOURCE_LABELS[source]} names a user-assigned identity by ${accepted.join(', ')}: ` +
            `'${param}' is not accepted.`,
    ),
  selectorConflict: (params: readonly string[]) =>
    err(
      400,
      'invalid_request',
      `Only one identity selector may be given; the request has ${params.join(', ')}.`,
    ),
  identityNotFound: (source: ManagedIdentitySource) =>
    source === 'appService' || source === 'machineLearning'
      ? err(400, 'invalid_request', 'Unable to load the proper Managed Identity.')
      : err(400, 'invalid_request', 'Identity not found'),
  arcDisabled: () =>
    err(
      404,
      'not_found',
      'Azure Arc is not enabled on this emulator: set managedIdentity.arcKeyDirectory.',
    ),
  notFound: (path: string) =>
    err(404, 'not_found', `The managed identity emulator has no endpoint at '${path}'.`),
};

/** Renders `error` in the style of `source` (OAuth style for unknown routes). */
export function renderMiError(
  source: ManagedIdentitySource | undefined,
  error: MiError,
  correlationId: string,
): Reply {
  const { status, code, message } = error;
  const style = source ? STYLES[source] : 'oauth';
  if (style === 'appService')
    return { status, body: { statusCode: status, message, correlationId } };
  if (style === 'serviceFabric')
    return { status, body: { error: { correlationId, code, message } } };
  return { status, body: { error: code, error_description: message } };
}

/** IMDS's answers to trouble, by status. */
const IMDS_FAULTS: Readonly<Record<number, MiError>> = {
  404: err(404, 'not_found', 'IMDS is being updated: the identity endpoint is not available yet.'),
  410: err(410, 'gone', 'IMDS is being upgraded; retry for at least 70 seconds.'),
  429: err(429, 'too_many_requests', 'IMDS throttle limit reached: too many requests.'),
  500: err(500, 'unknown_error', 'An unexpected error occurred while fetching the AAD token.'),
  503: err(503, 'service_unavailable', 'IMDS is temporarily unavailable.'),
};

/** The body Docker Desktop's proxy answers IMDS requests with (403; clients look for "unreachable"). */
const DOCKER_UNREACHABLE =
  'connecting to 169.254.169.254:80: connecting to 169.254.169.254:80: dial tcp ' +
  '169.254.169.254:80: connectex: A socket operation was attempted to an unreachable network.';

/** The reply of an injected status fault on a managed identity route. */
export function miFaultReply(
  source: ManagedIdentitySource | undefined,
  status: number,
  correlationId: string,
): Reply {
  if (source === 'imds' && status === 403) {
    return { status, body: DOCKER_UNREACHABLE, headers: { 'Content-Type': 'text/plain' } };
  }
  const known = source === 'imds' ? IMDS_FAULTS[status] : undefined;
  return renderMiError(source, known ?? genericFault(status), correlationId);
}

function genericFault(status: number): MiError {
  if (status === 429) return err(429, 'too_many_requests', 'Too many requests.');
  if (status >= 500) {
    return err(status, 'service_unavailable', 'The service is temporarily unavailable.');
  }
  return err(status, 'invalid_request', 'The request was rejected (injected fault).');
}
