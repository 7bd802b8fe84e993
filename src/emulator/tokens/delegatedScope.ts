/**
 * Scopes of the user flows: OpenID scopes, one resource, and the delegated permissions (`scp`).
 *
 * @packageDocumentation
 */
import { aadErrors } from '../errors/aadErrors.js';
import type { AadErrorSpec } from '../errors/aadErrors.js';
import { grantErrors } from '../errors/grantErrors.js';
import type { RegisteredApp } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { classifyResource } from './resourceScope.js';
import type { ResourceScope } from './resourceScope.js';

/** Scopes that say what the client wants of sign-in, not of a resource. */
const OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'offline_access', 'email'];
/** The resource of bare scope names (`User.Read`) and of requests with only OpenID scopes. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
const DEFAULT = '.default';

/** A parsed user-flow `scope`. */
export interface DelegatedScope {
  resource: ResourceScope;
  /** The `scp` claim: space-separated permission names. */
  scp: string;
  /** The `scope` of the token response: the resource scopes as requested (or `scp`). */
  granted: string;
  /** Whether `openid` was requested: an id_token is returned. */
  openid: boolean;
  /** Whether `offline_access` was requested: a refresh token is returned. */
  offlineAccess: boolean;
}

/**
 * Parses `scope`: OpenID scopes aside, every scope names one resource (`<resource>/<name>`, a bare
 * name meaning Microsoft Graph); only OpenID scopes mean Graph's `User.Read`. `findApi` resolves
 * registered APIs, whose `apiScopes` limit the names and make up `.default`.
 */
export function parseDelegatedScope(
  scope: string,
  tenant: string,
  findApi: (resource: string) => RegisteredApp | undefined,
): DelegatedScope | AadErrorSpec {
  const all = [...new Set(scope.split(' ').filter((s) => s !== ''))];
  const oidc = all.map((s) => s.toLowerCase()).filter((s) => OIDC_SCOPES.includes(s));
  const flags = { openid: oidc.includes('openid'), offlineAccess: oidc.includes('offline_access') };
  const named = all.filter((s) => !OIDC_SCOPES.includes(s.toLowerCase()));
  if (named.length === 0) {
    const scp = [...oidc.filter((s) => s !== 'offline_access'), 'User.Read'].join(' ');
    return { resource: { audience: GRAPH_RESOURCE, version: '1.0' }, scp, granted: scp, ...flags };
  }
  const parts = named.map(splitScope);
  const resources = new Set(parts.map((part) => part.resource.toLowerCase()));
  if (resources.size > 1) return aadErrors.multipleResources(scope);
  const resourceId = parts[0]?.resource ?? GRAPH_RESOURCE;
  const resource = classifyResource(resourceId);
  if (!resource) return aadErrors.resourceNotFound(resourceId, tenant);
  const api = resource.version === '2.0' ? findApi(resourceId) : undefined;
  const scp = permissions(resourceId, parts, api);
  if (typeof scp !== 'string') return scp;
  return { resource, scp, granted: named.join(' '), ...flags };
}

interface ScopePart {
  resource: string;
  name: string;
  scope: string;
}

function splitScope(scope: string): ScopePart {
  const slash = scope.lastIndexOf('/');
  if (slash < 0) return { resource: GRAPH_RESOURCE, name: scope, scope };
  const resource = scope.slice(0, slash).replace(/\/+$/, '');
  return { resource, name: scope.slice(slash + 1), scope };
}

/** The `scp` of the requested names; `.default` stands for every permission of the resource. */
function permissions(
  resourceId: string,
  parts: ScopePart[],
  api: RegisteredApp | undefined,
): string | AadErrorSpec {
  const exposed = api?.apiScopes?.length ? api.apiScopes : undefined;
  const unknown = parts.find(
    (part) =>
      part.name === '' ||
      (exposed !== undefined &&
        part.name !== DEFAULT &&
        !exposed.some((name) => name.toLowerCase() === part.name.toLowerCase())),
  );
  if (unknown) return grantErrors.invalidScope(unknown.scope);
  const names = parts.map((part) => part.name);
  const defaults = exposed ?? [resourceId === GRAPH_RESOURCE ? 'User.Read' : 'user_impersonation'];
  const scp = names.flatMap((name) => (name === DEFAULT ? defaults : [name]));
  return [...new Set(scp)].join(' ');
}

/** Parses a user-flow `scope` against the emulator's registered APIs. */
export function parseScopeFor(
  ctx: EmulatorContext,
  scope: string,
  tenant: string,
): DelegatedScope | AadErrorSpec {
  return parseDelegatedScope(scope, tenant, (resource) => ctx.directory.findApi(resource));
}
