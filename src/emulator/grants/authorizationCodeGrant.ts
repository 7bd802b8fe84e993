/**
 * The authorization code grant (`grant_type=authorization_code`), PKCE included.
 *
 * @packageDocumentation
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { aadErrors } from '../errors/aadErrors.js';
import type { AadErrorSpec } from '../errors/aadErrors.js';
import { grantErrors } from '../errors/grantErrors.js';
import type { Call, Outcome } from '../http/call.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import type { AuthorizationCodeRecord } from '../state/grantRecords.js';
import { sameId } from '../state/ids.js';
import { authenticateClient, isAuthenticated } from './clientAuth.js';
import type { AuthenticatedClient } from './clientAuth.js';
import { issueUserTokens } from './issueUserTokens.js';

const OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'offline_access', 'email'];

/**
 * `grant_type=authorization_code`: the client (public clients: no credential), `code`,
 * `redirect_uri` (as in the authorize request) and, for a PKCE code, `code_verifier`.
 */
export async function authorizationCodeGrant(ctx: EmulatorContext, call: Call): Promise<Outcome> {
  const client = await authenticateClient(ctx, call, call.tenant, { allowPublic: true });
  if (!isAuthenticated(client)) return client;
  const code = call.form['code'];
  if (!code) return aadErrors.missingParameter('code');
  const redirectUri = call.form['redirect_uri'];
  if (!redirectUri) return aadErrors.missingParameter('redirect_uri');
  const record = ctx.grants.codes.get(code);
  const error = checkCode(ctx, client, record, call);
  if (error || !record) return error ?? grantErrors.invalidGrant('code');
  record.redeemed = true;
  return issueUserTokens(ctx, {
    client,
    user: record.user,
    tenantId: record.tenantId,
    scope: withOidcScopes(record.scope, call.form['scope']),
    nonce: record.nonce,
    call,
  });
}

function checkCode(
  ctx: EmulatorContext,
  client: AuthenticatedClient,
  record: AuthorizationCodeRecord | undefined,
  call: Call,
): AadErrorSpec | undefined {
  if (!record || !sameId(record.clientId, client.app.clientId)) {
    return grantErrors.invalidGrant('code');
  }
  if (record.redeemed) return grantErrors.codeRedeemed();
  if (ctx.now() >= record.expiresAt) return grantErrors.codeExpired();
  const redirectUri = call.form['redirect_uri'] ?? '';
  if (redirectUri !== record.redirectUri) {
    return grantErrors.replyAddressMismatch(redirectUri, record.redirectUri);
  }
  const verifier = call.form['code_verifier'];
  if (record.challenge !== undefined && !verifierMatches(record.challenge, verifier)) {
    return grantErrors.verifierMismatch();
  }
  return undefined;
}

/** Whether `base64url(sha256(verifier))` is the S256 challenge. */
export function verifierMatches(challenge: string, verifier: string | undefined): boolean {
  if (verifier === undefined) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

/** The code's scopes plus any OpenID scopes the token request adds (e.g. `offline_access`). */
function withOidcScopes(scope: string, requested: string | undefined): string {
  const present = new Set(scope.toLowerCase().split(' '));
  const extra = (requested ?? '')
    .split(' ')
    .filter((s) => OIDC_SCOPES.includes(s.toLowerCase()) && !present.has(s.toLowerCase()));
  return [scope, ...extra].join(' ').trim();
}
