/**
 * The token endpoint's query, App Service style (`?resource=...&api-version=2019-08-01`, plus one
 * of `client_id`, `principal_id`/`object_id`, `mi_res_id`), read into a typed request or refused
 * with a 400 that says which parameter is wrong; any other parameter is refused too (a client's
 * own name for an identity must never get the default identity's token). Values never reach a
 * message when they are malformed (they might be anything); well-formed resources and ids may.
 */
import { isWellFormedScope } from '../credentials/base/wellFormed.js';

/** The one api-version of App Service's managed identity protocol. */
export const SIDECAR_API_VERSION = '2019-08-01';
/** The longest request target (path and query) the endpoint reads. */
export const MAX_REQUEST_TARGET_LENGTH = 4096;
/** The longest `resource` the endpoint accepts. */
export const MAX_RESOURCE_LENGTH = 512;

/** Which id a request names its user-assigned identity by. */
export type IdentityKind = 'clientId' | 'objectId' | 'resourceId';

/** A user-assigned identity as a request names it. */
export interface IdentitySelector {
  kind: IdentityKind;
  /** The query parameter it came in (`client_id`, `principal_id`, `object_id`, `mi_res_id`). */
  param: string;
  value: string;
}

/** A well-formed token request. */
export interface SidecarTokenRequest {
  /** The `resource` as sent. */
  resource: string;
  /** The scope it maps to: `resource` + `/.default`, as Azure Identity maps them. */
  scope: string;
  /** The user-assigned identity asked for; absent for the sidecar's own identity. */
  selector?: IdentitySelector;
}

/** Why a request gets no token: the status, a reason for events, a message for the client. */
export interface Refusal {
  status: number;
  /** A short machine reason (`missing-resource`, `bad-api-version`, ...). */
  reason: string;
  message: string;
  /** The resource, when the request named a well-formed one. */
  resource?: string;
  /** Sent as `Retry-After` (an upstream throttle or outage that said how long). */
  retryAfterSeconds?: number;
}

const SELECTORS: Readonly<Record<string, IdentityKind>> = {
  client_id: 'clientId',
  principal_id: 'objectId',
  object_id: 'objectId',
  mi_res_id: 'resourceId',
};
const KNOWN = ['resource', 'api-version', ...Object.keys(SELECTORS)];
/**
 * Names other protocols (IMDS, App Service's 2017-09-01, typos) give an identity: App Service
 * ignores them and answers for its default identity, so they get a 400 that names the right one.
 */
const MISNAMED: Readonly<Record<string, string>> = {
  msi_res_id: 'mi_res_id',
  clientid: 'client_id',
  'client-id': 'client_id',
  principalid: 'principal_id',
  'principal-id': 'principal_id',
  objectid: 'object_id',
  'object-id': 'object_id',
};
/** A parameter name shown in a message; any other is not echoed. */
const SHOWN_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESOURCE_ID_PATTERN =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourcegroups\/[\w.()-]{1,90}\/providers\/microsoft\.managedidentity\/userassignedidentities\/[\w-]{1,128}$/i;

/** A 400 refusal. */
export function badRequest(reason: string, message: string, resource?: string): Refusal {
  return { status: 400, reason, message, resource };
}

/**
 * Reads the query of `url` (the request target was `targetLength` characters long) into a token
 * request, or the refusal that answers it.
 */
export function parseTokenRequest(url: URL, targetLength: number): SidecarTokenRequest | Refusal {
  if (targetLength > MAX_REQUEST_TARGET_LENGTH) {
    return badRequest(
      'oversized',
      `The request target is ${targetLength} characters long; the limit is ${MAX_REQUEST_TARGET_LENGTH}.`,
    );
  }
  const params = url.searchParams;
  for (const name of KNOWN) {
    const values = params.getAll(name);
    if (values.length > 1) return badRequest('repeated-parameter', `'${name}' is given twice.`);
    if (values.length === 1 && values[0]!.trim() === '')
      return badRequest('empty-parameter', `'${name}' is empty.`);
  }
  const resource = params.get('resource');
  if (resource === null) {
    return badRequest('missing-resource', "Required query parameter 'resource' is missing.");
  }
  if (resource.length > MAX_RESOURCE_LENGTH || !isWellFormedScope(resource)) {
    return badRequest(
      'malformed-resource',
      `'resource' must be a URI or an application id of at most ${MAX_RESOURCE_LENGTH} ` +
        'characters from [0-9A-Za-z-_.:/].',
    );
  }
  const version = params.get('api-version');
  if (version !== SIDECAR_API_VERSION) {
    return badRequest(
      'bad-api-version',
      version === null
        ? `Required query parameter 'api-version' is missing (expected ${SIDECAR_API_VERSION}).`
        : `api-version is not supported (expected ${SIDECAR_API_VERSION}).`,
      resource,
    );
  }
  const unknown = unknownParameter(params);
  if (unknown !== undefined) return { ...unknown, resource };
  const selector = readSelector(params, resource);
  if (selector !== undefined && 'status' in selector) return selector;
  return { resource, scope: toScope(resource), selector };
}

/** `resource` → scope as Azure Identity maps it: `resource/.default` (kept when already there). */
export function toScope(resource: string): string {
  return resource.endsWith('/.default') ? resource : `${resource}/.default`;
}

/**
 * A parameter outside the protocol's: it may be a client's name for a user-assigned identity that
 * the sidecar would otherwise ignore, handing out a token of another identity.
 */
function unknownParameter(params: URLSearchParams): Refusal | undefined {
  const name = [...params.keys()].find((key) => !KNOWN.includes(key));
  if (name === undefined) return undefined;
  const known = KNOWN.join(', ');
  if (!SHOWN_NAME.test(name))
    return badRequest(
      'unknown-parameter',
      `The request has a query parameter other than ${known}.`,
    );
  const meant = MISNAMED[name.toLowerCase()] ?? KNOWN.find((k) => k === name.toLowerCase());
  return badRequest(
    'unknown-parameter',
    `Unknown query parameter '${name}'` +
      (meant === undefined ? '' : ` (App Service's name is '${meant}')`) +
      `; the token endpoint takes ${known}.`,
  );
}

function readSelector(
  params: URLSearchParams,
  resource: string,
): IdentitySelector | Refusal | undefined {
  const given = Object.keys(SELECTORS).filter((name) => params.has(name));
  if (given.length > 1) {
    return badRequest(
      'conflicting-identity',
      `Only one of client_id, principal_id, object_id and mi_res_id may be given; the request ` +
        `has ${given.join(', ')}.`,
      resource,
    );
  }
  const [param] = given;
  if (param === undefined) return undefined;
  const kind = SELECTORS[param]!;
  const value = params.get(param)!;
  const valid = kind === 'resourceId' ? RESOURCE_ID_PATTERN.test(value) : GUID_PATTERN.test(value);
  if (!valid) {
    return badRequest(
      'malformed-identity',
      kind === 'resourceId'
        ? `'${param}' must be the Azure resource id of a user-assigned identity ` +
            '(/subscriptions/<id>/resourcegroups/<group>/providers/' +
            'Microsoft.ManagedIdentity/userAssignedIdentities/<name>).'
        : `'${param}' must be a GUID.`,
      resource,
    );
  }
  return { kind, param, value };
}
