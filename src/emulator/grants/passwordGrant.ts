/**
 * The resource owner password credentials grant (`grant_type=password`, ROPC), which MSAL's
 * `acquireTokenByUsernamePassword` and `UsernamePasswordCredential` use.
 *
 * @packageDocumentation
 */
import { aadErrors } from '../errors/aadErrors.js';
import { grantErrors } from '../errors/grantErrors.js';
import type { Call, Outcome } from '../http/call.js';
import { passwordMatches } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { identityOf } from '../tokens/userToken.js';
import { authenticateClient, isAuthenticated } from './clientAuth.js';
import { issueUserTokens } from './issueUserTokens.js';

/**
 * `grant_type=password`: the client (public clients send no credential), `username`, `password`
 * and `scope`. The user must be registered in the endpoint's tenant (any tenant on `common` and
 * `organizations`; the tokens are then the user's home tenant's). An unknown user or a wrong
 * password is AADSTS50126 `invalid_grant`, one error for both, as Entra answers; a user who
 * `requiresMfa` is refused with AADSTS50076 (`invalid_grant`, suberror `basic_action`), which
 * clients take as interaction required.
 */
export async function passwordGrant(ctx: EmulatorContext, call: Call): Promise<Outcome> {
  const client = await authenticateClient(ctx, call, call.tenant, { allowPublic: true });
  if (!isAuthenticated(client)) return client;
  const username = call.form['username'];
  if (!username) return aadErrors.missingParameter('username');
  const password = call.form['password'];
  if (!password) return aadErrors.missingParameter('password');
  const scope = call.form['scope'];
  if (!scope) return aadErrors.missingParameter('scope');
  const user = ctx.directory.findUser(call.tenant, username);
  if (!user || !passwordMatches(user, password)) return grantErrors.badCredentials();
  if (user.requiresMfa) return grantErrors.mfaRequired(scope);
  return issueUserTokens(ctx, {
    client,
    user: identityOf(user),
    tenantId: user.tenantId,
    scope,
    call,
  });
}
