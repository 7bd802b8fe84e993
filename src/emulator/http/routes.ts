/**
 * Route matching: which endpoint a path names, and its tenant segment.
 *
 * @packageDocumentation
 */

/**
 * The routes the main listener serves; `notfound` is every other path. `authorize` covers both
 * the authorization endpoint and `POST /_emulator/authorize`; `pipelines` is the Azure DevOps
 * oidctoken endpoint, `pipelines-signin` the sign-in page its redirect names.
 */
export type RouteName =
  | 'token'
  | 'openid'
  | 'discovery'
  | 'jwks'
  | 'authorize'
  | 'devicecode'
  | 'devicelogin'
  | 'pipelines'
  | 'pipelines-signin'
  | 'notfound';

/** A matched route and the tenant segment of its path. */
export interface RouteMatch {
  route: RouteName;
  tenant: string;
}

const PATTERNS: ReadonlyArray<readonly [RegExp, RouteName]> = [
  [/^\/([^/]+)\/oauth2\/v2\.0\/token$/i, 'token'],
  [/^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i, 'openid'],
  [/^\/([^/]+)\/discovery\/v2\.0\/keys$/i, 'jwks'],
  [/^\/(common)\/discovery\/instance$/i, 'discovery'],
  [/^\/([^/]+)\/oauth2\/v2\.0\/authorize$/i, 'authorize'],
  [/^\/([^/]+)\/oauth2\/v2\.0\/devicecode$/i, 'devicecode'],
  [/^\/_emulator\/authorize$/, 'authorize'],
  [/^\/devicelogin$/i, 'devicelogin'],
  [
    /^\/([^/]+)\/[^/]+\/_apis\/distributedtask\/hubs\/[^/]+\/plans\/[^/]+\/jobs\/[^/]+\/oidctoken$/i,
    'pipelines',
  ],
  [/^\/_signin$/i, 'pipelines-signin'],
];

/** Matches `path` (no query string) against the known routes; tenantless routes get `''`. */
export function matchRoute(path: string): RouteMatch {
  for (const [pattern, route] of PATTERNS) {
    const match = pattern.exec(path);
    if (match) return { route, tenant: decodeSegment(match[1] ?? '') };
  }
  return { route: 'notfound', tenant: '' };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
