/**
 * The token endpoint: checks the tenant and dispatches on `grant_type`.
 *
 * @packageDocumentation
 */
import { deviceCodeGrant } from '../deviceCode/deviceFlow.js';
import { aadErrors } from '../errors/aadErrors.js';
import type { Call, Outcome } from '../http/call.js';
import { isMultiTenantAlias } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { authorizationCodeGrant } from './authorizationCodeGrant.js';
import { clientCredentialsGrant } from './clientCredentialsGrant.js';
import { onBehalfOfGrant } from './onBehalfOfGrant.js';
import { passwordGrant } from './passwordGrant.js';
import { refreshTokenGrant } from './refreshTokenGrant.js';

type GrantHandler = (ctx: EmulatorContext, call: Call) => Promise<Outcome>;

const GRANTS: Record<string, GrantHandler> = {
  client_credentials: clientCredentialsGrant,
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  password: passwordGrant,
  'urn:ietf:params:oauth:grant-type:device_code': deviceCodeGrant,
  device_code: deviceCodeGrant, // what MSAL sends; Entra accepts both

  'urn:ietf:params:oauth:grant-type:jwt-bearer': onBehalfOfGrant,
};

/**
 * Answers a POST to `/{tenant}/oauth2/v2.0/token`. The user grants also work on `common` and
 * `organizations` (the user's tenant is the token's); client credentials need a tenant.
 */
export async function tokenEndpoint(ctx: EmulatorContext, call: Call): Promise<Outcome> {
  if (call.method !== 'POST') return aadErrors.postOnly(call.method);
  if (!isMultiTenantAlias(call.tenant) && !ctx.directory.hasTenant(call.tenant)) {
    return aadErrors.tenantNotFound(call.tenant);
  }
  const grant = call.form['grant_type'];
  if (!grant) return aadErrors.missingParameter('grant_type');
  const handler = Object.hasOwn(GRANTS, grant) ? GRANTS[grant] : undefined;
  return handler ? handler(ctx, call) : aadErrors.unsupportedGrant(grant);
}
