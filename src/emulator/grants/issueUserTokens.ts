/**
 * Issuing tokens to a signed-in user: access token, refresh token, id token, client_info.
 *
 * @packageDocumentation
 */
import type { Call, Outcome } from '../http/call.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import type { UserIdentity } from '../state/grantRecords.js';
import { randomId } from '../state/ids.js';
import { lifetimeFields, requestsCae } from '../tokens/accessToken.js';
import { parseScopeFor } from '../tokens/delegatedScope.js';
import type { DelegatedScope } from '../tokens/delegatedScope.js';
import { clientInfo, idTokenClaims, userTokenClaims } from '../tokens/userToken.js';
import type { AuthenticatedClient } from './clientAuth.js';

/** A user grant about to be answered. */
export interface UserGrant {
  client: AuthenticatedClient;
  user: UserIdentity;
  /** The tenant of the tokens (`tid`). */
  tenantId: string;
  /** The scopes, as sent. */
  scope: string;
  /** The `nonce` for the id token. */
  nonce?: string;
  /** The token request: `claims` (CAE) and `client_info=1`. */
  call: Call;
  /** Return a refresh token even without `offline_access` (the refresh grant rotates). */
  alwaysRefresh?: boolean;
}

/**
 * The token response of a user grant: `token_type, scope, expires_in, ext_expires_in,
 * refresh_in?, access_token`, then `refresh_token` (with `offline_access`), `id_token` (with
 * `openid`) and `client_info` (with `client_info=1`).
 */
export async function issueUserTokens(ctx: EmulatorContext, grant: UserGrant): Promise<Outcome> {
  const scope = parseScopeFor(ctx, grant.scope, grant.tenantId);
  if ('error' in scope) return scope;
  const issuedAt = Math.floor(ctx.now() / 1000);
  const { token, lifetime } = await signAccessToken(ctx, grant, scope, issuedAt);
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: scope.granted,
    ...lifetimeFields(lifetime),
    access_token: token,
  };
  if (scope.offlineAccess || grant.alwaysRefresh) {
    body['refresh_token'] = issueRefreshToken(ctx, grant);
  }
  if (scope.openid) {
    const { url } = ctx;
    const { tenantId, user, nonce } = grant;
    const clientId = grant.client.app.clientId;
    const claims = idTokenClaims({ url, tenantId, clientId, user, issuedAt, nonce });
    body['id_token'] = await ctx.signer.sign(claims);
  }
  if (grant.call.form['client_info'] === '1') body['client_info'] = clientInfo(grant.user);
  return { status: 200, body };
}

/** The access token of a user grant, CAE-aware (`claims` asking for `xms_cc: cp1`). */
async function signAccessToken(
  ctx: EmulatorContext,
  grant: UserGrant,
  scope: DelegatedScope,
  issuedAt: number,
): Promise<{ token: string; lifetime: number }> {
  const cae = requestsCae(grant.call.form['claims']);
  const lifetime = cae ? ctx.lifetimes.cae : ctx.lifetimes.token;
  const claims = userTokenClaims({
    url: ctx.url,
    tenantId: grant.tenantId,
    clientId: grant.client.app.clientId,
    acr: grant.client.acr,
    user: grant.user,
    resource: scope.resource,
    scp: scope.scp,
    issuedAt,
    lifetimeSeconds: lifetime,
    cae,
  });
  return { token: await ctx.signer.sign(claims), lifetime };
}

/** Stores and returns a new refresh token for the grant's client, user, tenant and scopes. */
function issueRefreshToken(ctx: EmulatorContext, grant: UserGrant): string {
  const token = `1.A${randomId(96)}`;
  const issuedAt = ctx.now();
  ctx.grants.refreshTokens.set(token, {
    clientId: grant.client.app.clientId,
    user: grant.user,
    tenantId: grant.tenantId,
    scope: grant.scope,
    issuedAt,
    expiresAt: issuedAt + ctx.lifetimes.refreshToken * 1000,
  });
  return token;
}
