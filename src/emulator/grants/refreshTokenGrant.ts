/**
 * The refresh token grant (`grant_type=refresh_token`).
 *
 * @packageDocumentation
 */
import { aadErrors } from '../errors/aadErrors.js';
import { grantErrors } from '../errors/grantErrors.js';
import type { Call, Outcome } from '../http/call.js';
import { isMultiTenantAlias } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { entraTimestamp, sameId } from '../state/ids.js';
import { authenticateClient, isAuthenticated } from './clientAuth.js';
import { issueUserTokens } from './issueUserTokens.js';

const DAY_MS = 86_400_000;

/**
 * `grant_type=refresh_token`: a refresh token this emulator issued to this client, for any scopes
 * (Entra's refresh tokens are multi-resource). The answer carries a new refresh token; the
 * presented one stays valid until it expires, as Entra's do.
 */
export async function refreshTokenGrant(ctx: EmulatorContext, call: Call): Promise<Outcome> {
  const client = await authenticateClient(ctx, call, call.tenant, { allowPublic: true });
  if (!isAuthenticated(client)) return client;
  const token = call.form['refresh_token'];
  if (!token) return aadErrors.missingParameter('refresh_token');
  const record = ctx.grants.refreshTokens.get(token);
  if (!record || !sameId(record.clientId, client.app.clientId)) {
    return grantErrors.invalidGrant('refresh_token');
  }
  if (ctx.now() >= record.expiresAt) {
    const days = Math.round((record.expiresAt - record.issuedAt) / DAY_MS);
    return grantErrors.refreshTokenExpired(entraTimestamp(record.issuedAt), days);
  }
  return issueUserTokens(ctx, {
    client,
    user: record.user,
    tenantId: isMultiTenantAlias(call.tenant) ? record.tenantId : call.tenant,
    scope: call.form['scope'] ?? record.scope,
    call,
    alwaysRefresh: true,
  });
}
