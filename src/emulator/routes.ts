/**
 * Route matching: which endpoint a path names, and its tenant segment.
 *
 * @packageDocumentation
 */

/** The routes the emulator serves; `notfound` is every other path. */
export type RouteName = 'token' | 'openid' | 'discovery' | 'jwks' | 'notfound';

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
];

/** Matches `path` (no query string) against the known routes. */
export function matchRoute(path: string): RouteMatch {
  for (const [pattern, route] of PATTERNS) {
    const segment = pattern.exec(path)?.[1];
    if (segment !== undefined) return { route, tenant: decodeSegment(segment) };
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
