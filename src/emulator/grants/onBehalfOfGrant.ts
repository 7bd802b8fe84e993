/**
 * The on-behalf-of grant: `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` with
 * `requested_token_use=on_behalf_of` and a user access token this emulator issued to the API.
 *
 * @packageDocumentation
 */
import type { JWTPayload } from 'jose';
import { aadErrors } from '../errors/aadErrors.js';
import type { AadErrorSpec } from '../errors/aadErrors.js';
import { grantErrors } from '../errors/grantErrors.js';
import type { Call, Outcome } from '../http/call.js';
import { isMultiTenantAlias } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import type { UserIdentity } from '../state/grantRecords.js';
import { authenticateClient, isAuthenticated } from './clientAuth.js';
import { issueUserTokens } from './issueUserTokens.js';

const NBF_LEEWAY_SECONDS = 300;

/**
 * Exchanges the user token in `assertion` (audience: this client's id or `api://<clientId>`) for
 * a token for `scope`, for the same user; the client authenticates with a secret or assertion.
 */
export async function onBehalfOfGrant(ctx: EmulatorContext, call: Call): Promise<Outcome> {
  const client = await authenticateClient(ctx, call, call.tenant, { allowPublic: false });
  if (!isAuthenticated(client)) return client;
  if (call.form['requested_token_use'] !== 'on_behalf_of') {
    return aadErrors.missingParameter('requested_token_use');
  }
  const assertion = call.form['assertion'];
  if (!assertion) return aadErrors.missingParameter('assertion');
  const scope = call.form['scope'];
  if (scope === undefined) return aadErrors.missingParameter('scope');
  const verified = await verifyUserAssertion(ctx, assertion, client.app.clientId);
  if (!('user' in verified)) return verified;
  const tenantId = isMultiTenantAlias(call.tenant) ? verified.tenantId : call.tenant;
  return issueUserTokens(ctx, { client, user: verified.user, tenantId, scope, call });
}

/** The user and tenant of a current user token signed by the emulator for `clientId`. */
async function verifyUserAssertion(
  ctx: EmulatorContext,
  assertion: string,
  clientId: string,
): Promise<{ user: UserIdentity; tenantId: string } | AadErrorSpec> {
  let claims: JWTPayload;
  try {
    claims = await ctx.signer.verify(assertion);
  } catch {
    return grantErrors.assertionInvalid('The key was not found, or the signature is not valid.');
  }
  const now = ctx.now() / 1000;
  const { exp, nbf } = claims;
  if (typeof exp !== 'number' || exp <= now) return grantErrors.assertionExpired();
  if (typeof nbf === 'number' && nbf > now + NBF_LEEWAY_SECONDS) {
    return grantErrors.assertionExpired();
  }
  const aud = typeof claims.aud === 'string' ? claims.aud : String(claims.aud);
  const expected = [clientId, `api://${clientId}`].map((value) => value.toLowerCase());
  if (!expected.includes(aud.toLowerCase())) {
    return grantErrors.assertionInvalid(
      'Assertion audience does not match the Client app presenting the assertion. The ' +
        `audience in the assertion was '${aud}' and the expected audience is '${clientId}' or ` +
        'one of the Application Id URIs of this application.',
    );
  }
  return userOf(claims) ?? grantErrors.assertionInvalid('The assertion is not a user token.');
}

function userOf(claims: JWTPayload): { user: UserIdentity; tenantId: string } | undefined {
  const { oid, tid, idtyp, name, idp } = claims;
  if (idtyp !== 'user' || typeof oid !== 'string' || typeof tid !== 'string') return undefined;
  const username = [claims['upn'], claims['preferred_username']].find(
    (value): value is string => typeof value === 'string',
  );
  const home = typeof idp === 'string' ? /sts\.windows\.net\/([^/]+)\//.exec(idp)?.[1] : undefined;
  const user: UserIdentity = {
    objectId: oid,
    username: username ?? '',
    displayName: typeof name === 'string' ? name : (username ?? ''),
    homeTenantId: home ?? tid,
  };
  return { user, tenantId: tid };
}
