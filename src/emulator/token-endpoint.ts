/**
 * The token endpoint: grant dispatch and the client credentials grant.
 *
 * @packageDocumentation
 */
import { appTokenClaims, lifetimeFields, requestsCae } from './access-token.js';
import { authenticateClient, clientIdOf, isAuthenticated } from './client-auth.js';
import type { Call, EmulatorContext, Outcome } from './context.js';
import { deviceCodeGrant } from './device-flow.js';
import { isMultiTenantAlias } from './directory.js';
import { aadErrors } from './error-catalog.js';
import { onBehalfOfGrant } from './on-behalf-of.js';
import { parseResourceScope } from './scopes.js';
import { authorizationCodeGrant, refreshTokenGrant } from './user-grants.js';

type GrantHandler = (ctx: EmulatorContext, call: Call) => Promise<Outcome>;

const GRANTS: Record<string, GrantHandler> = {
  client_credentials: clientCredentials,
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
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

/** `grant_type=client_credentials` with a secret (body or HTTP Basic) or a client assertion. */
async function clientCredentials(ctx: EmulatorContext, call: Call): Promise<Outcome> {
  if (isMultiTenantAlias(call.tenant)) return aadErrors.noTenantInformation();
  const clientId = clientIdOf(call);
  if (!clientId) return aadErrors.missingParameter('client_id');
  const scope = call.form['scope'];
  if (scope === undefined) return aadErrors.missingParameter('scope');
  const client = await authenticateClient(ctx, call, call.tenant, {
    allowPublic: false,
    missing: () => aadErrors.invalidSecret(clientId),
  });
  if (!isAuthenticated(client)) return client;
  const resource = parseResourceScope(scope, call.tenant);
  if ('error' in resource) return resource;
  const cae = requestsCae(call.form['claims']);
  const lifetime = cae ? ctx.lifetimes.cae : ctx.lifetimes.token;
  const claims = appTokenClaims({
    url: ctx.url,
    tenantId: client.app.tenantId,
    clientId: client.app.clientId,
    resource,
    issuedAt: Math.floor(ctx.now() / 1000),
    lifetimeSeconds: lifetime,
    cae,
    acr: client.acr,
  });
  const accessToken = await ctx.signer.sign(claims);
  return {
    status: 200,
    body: { token_type: 'Bearer', ...lifetimeFields(lifetime), access_token: accessToken },
  };
}
