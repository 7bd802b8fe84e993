/**
 * Tokens issued for users: delegated access tokens (v1 and v2), id tokens and client_info.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { ClientAcr } from '../grants/clientAuth.js';
import type { UserIdentity } from '../state/grantRecords.js';
import { randomId } from '../state/ids.js';
import type { RegisteredUser } from '../types.js';
import type { ResourceScope } from './resourceScope.js';

const ID_TOKEN_LIFETIME_SECONDS = 3600;

/** What a user access token is made from. */
export interface UserTokenInput {
  /** The emulator's base URL (the v2 issuer's host). */
  url: string;
  /** The tenant of the token (`tid`). */
  tenantId: string;
  clientId: string;
  /** How the client authenticated. */
  acr: ClientAcr;
  user: UserIdentity;
  resource: ResourceScope;
  /** The delegated permissions, space-separated. */
  scp: string;
  /** Issue time, seconds since the epoch. */
  issuedAt: number;
  lifetimeSeconds: number;
  /** Whether the client declared CAE capability (`xms_cc: ['cp1']`). */
  cae: boolean;
}

/** The claims of a delegated (user) access token. */
export function userTokenClaims(input: UserTokenInput): JWTPayload {
  const { user, tenantId: tid, clientId, issuedAt: iat } = input;
  const common: JWTPayload = {
    aud: input.resource.audience,
    iat,
    nbf: iat,
    exp: iat + input.lifetimeSeconds,
    idtyp: 'user',
    name: user.displayName,
    oid: user.objectId,
    rh: `0.${randomId(32)}.`,
    scp: input.scp,
    sub: pairwiseSubject(user.objectId, clientId),
    tid,
    uti: randomId(16),
    ver: input.resource.version,
    ...(input.cae ? { xms_cc: ['cp1'] } : {}),
  };
  if (input.resource.version === '2.0') {
    const iss = `${input.url}/${tid}/v2.0`;
    return { ...common, iss, azp: clientId, azpacr: input.acr, preferred_username: user.username };
  }
  const iss = `https://sts.windows.net/${tid}/`;
  const guest = user.homeTenantId.toLowerCase() !== tid.toLowerCase();
  return {
    ...common,
    iss,
    acr: '1',
    amr: ['pwd'],
    appid: clientId,
    appidacr: input.acr,
    ...(guest ? { idp: `https://sts.windows.net/${user.homeTenantId}/` } : {}),
    ipaddr: '127.0.0.1',
    unique_name: user.username,
    upn: user.username,
  };
}

/** What an id token is made from. */
export interface IdTokenInput {
  url: string;
  tenantId: string;
  clientId: string;
  user: UserIdentity;
  /** Issue time, seconds since the epoch. */
  issuedAt: number;
  /** The `nonce` of the authorization request. */
  nonce?: string;
}

/** The claims of a v2 id token (1 hour). */
export function idTokenClaims(input: IdTokenInput): JWTPayload {
  const { user, tenantId: tid, issuedAt: iat } = input;
  return {
    aud: input.clientId,
    iss: `${input.url}/${tid}/v2.0`,
    iat,
    nbf: iat,
    exp: iat + ID_TOKEN_LIFETIME_SECONDS,
    name: user.displayName,
    ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
    oid: user.objectId,
    preferred_username: user.username,
    rh: `0.${randomId(32)}.`,
    sub: pairwiseSubject(user.objectId, input.clientId),
    tid,
    uti: randomId(16),
    ver: '2.0',
  };
}

/** `client_info`: base64url JSON `{ uid, utid }` (MSAL's home account id is `uid.utid`). */
export function clientInfo(user: UserIdentity): string {
  const info = { uid: user.objectId, utid: user.homeTenantId };
  return Buffer.from(JSON.stringify(info), 'utf8').toString('base64url');
}

/** `sub`: unique per user and client, as Entra's pairwise subject (43 base64url characters). */
export function pairwiseSubject(objectId: string, clientId: string): string {
  return createHash('sha256')
    .update(`${objectId.toLowerCase()}:${clientId.toLowerCase()}`)
    .digest('base64url')
    .slice(0, 43);
}

/** The identity a registered user's tokens carry. */
export function identityOf(user: RegisteredUser): UserIdentity {
  return {
    objectId: user.objectId,
    username: user.username,
    displayName: user.displayName,
    homeTenantId: user.tenantId,
  };
}
