/**
 * Access token claims, v1 and v2, as Entra issues them to apps; CAE detection.
 *
 * @packageDocumentation
 */
import type { JWTPayload } from 'jose';
import { randomId, stableGuid } from '../state/ids.js';
import type { ResourceScope } from './resourceScope.js';

/** What an app token is made from. */
export interface AppTokenInput {
  /** The emulator's base URL (the v2 issuer's host). */
  url: string;
  tenantId: string;
  clientId: string;
  resource: ResourceScope;
  /** Issue time, seconds since the epoch. */
  issuedAt: number;
  lifetimeSeconds: number;
  /** Whether the client declared CAE capability (`xms_cc: ['cp1']`). */
  cae: boolean;
  /** How the client authenticated (`appidacr`/`azpacr`): `1` secret (default), `2` certificate. */
  acr?: '0' | '1' | '2';
}

/** The claims of an app-only access token. */
export function appTokenClaims(input: AppTokenInput): JWTPayload {
  const { tenantId: tid, clientId, issuedAt: iat } = input;
  const oid = stableGuid(clientId);
  const common: JWTPayload = {
    aud: input.resource.audience,
    iat,
    nbf: iat,
    exp: iat + input.lifetimeSeconds,
    idtyp: 'app',
    oid,
    rh: `0.${randomId(32)}.`,
    sub: oid,
    tid,
    uti: randomId(16),
    ver: input.resource.version,
    ...(input.cae ? { xms_cc: ['cp1'] } : {}),
  };
  if (input.resource.version === '1.0') {
    const iss = `https://sts.windows.net/${tid}/`;
    return { ...common, iss, idp: iss, appid: clientId, appidacr: input.acr ?? '1' };
  }
  return { ...common, iss: `${input.url}/${tid}/v2.0`, azp: clientId, azpacr: input.acr ?? '1' };
}

/** The lifetime fields of a token response: `refresh_in` (half) for tokens living 2 hours or more. */
export function lifetimeFields(lifetime: number): Record<string, number> {
  return {
    expires_in: lifetime,
    ext_expires_in: lifetime,
    ...(lifetime >= 7200 ? { refresh_in: Math.floor(lifetime / 2) } : {}),
  };
}

/** Whether a `claims` request parameter asks for CAE: `access_token.xms_cc.values` has `cp1`. */
export function requestsCae(claims: string | undefined): boolean {
  if (!claims) return false;
  try {
    const parsed: unknown = JSON.parse(claims);
    return valuesOf(parsed, ['access_token', 'xms_cc', 'values']).includes('cp1');
  } catch {
    return false;
  }
}

function valuesOf(value: unknown, path: string[]): unknown[] {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return [];
    current = (current as Record<string, unknown>)[key];
  }
  return Array.isArray(current) ? current : [];
}
