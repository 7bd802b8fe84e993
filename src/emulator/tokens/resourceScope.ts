/**
 * Scope rules of the client credentials grant: exactly one resource, as `<resource>/.default`.
 *
 * @packageDocumentation
 */
import { aadErrors } from '../errors/aadErrors.js';
import type { AadErrorSpec } from '../errors/aadErrors.js';

/** OpenID scopes that may accompany a resource scope and are ignored. */
const RESERVED_SCOPES: readonly string[] = ['openid', 'profile', 'offline_access'];
const DEFAULT_SUFFIX = '/.default';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The resource a token is for, and the token version its audience gets. */
export interface ResourceScope {
  /** The audience: the resource id without `/.default` (URLs also without trailing slash). */
  audience: string;
  /** `1.0` for URL resources (e.g. https://storage.azure.com), `2.0` for app ids and api:// URIs. */
  version: '1.0' | '2.0';
}

/** Parses the space-separated `scope` of a client credentials request. */
export function parseResourceScope(scope: string, tenant: string): ResourceScope | AadErrorSpec {
  const scopes = scope.split(' ').filter((s) => s !== '' && !RESERVED_SCOPES.includes(s));
  const invalid = scopes.find((s) => !s.endsWith(DEFAULT_SUFFIX) || s === DEFAULT_SUFFIX);
  if (scopes.length === 0 || invalid !== undefined) {
    return aadErrors.scopeNotDefault(invalid ?? scope);
  }
  const resources = new Set(scopes.map(resourceOf));
  if (resources.size > 1) return aadErrors.multipleResources(scope);
  const [resource] = [...resources] as [string];
  return classifyResource(resource) ?? aadErrors.resourceNotFound(resource, tenant);
}

function resourceOf(scope: string): string {
  return scope.slice(0, -DEFAULT_SUFFIX.length).replace(/\/+$/, '');
}

/** The audience and token version of a resource id; undefined when it names no resource. */
export function classifyResource(resource: string): ResourceScope | undefined {
  if (/^https?:\/\/[^/]/i.test(resource)) return { audience: resource, version: '1.0' };
  if (GUID.test(resource) || /^api:\/\/./i.test(resource)) {
    return { audience: resource, version: '2.0' };
  }
  return undefined;
}
