/**
 * The token endpoint: grant dispatch and the client credentials grant.
 *
 * @packageDocumentation
 */
import { appTokenClaims, requestsCae } from './access-token.js';
import type { Call, EmulatorContext, Outcome } from './context.js';
import { isMultiTenantAlias, secretMatches } from './directory.js';
import { aadErrors } from './error-catalog.js';
import { basicCredentials } from './http.js';
import { parseResourceScope } from './scopes.js';

type GrantHandler = (ctx: EmulatorContext, call: Call) => Promise<Outcome>;

const GRANTS: Record<string, GrantHandler> = {
  client_credentials: clientCredentials,
};

/** Answers a POST to `/{tenant}/oauth2/v2.0/token`. */
export async function tokenEndpoint(ctx: EmulatorContext, call: Call): Promise<Outcome> {
  if (call.method !== 'POST') return aadErrors.postOnly(call.method);
  if (isMultiTenantAlias(call.tenant)) return aadErrors.noTenantInformation();
  if (!ctx.directory.hasTenant(call.tenant)) return aadErrors.tenantNotFound(call.tenant);
  const grant = call.form['grant_type'];
  if (!grant) return aadErrors.missingParameter('grant_type');
  const handler = Object.hasOwn(GRANTS, grant) ? GRANTS[grant] : undefined;
  return handler ? handler(ctx, call) : aadErrors.unsupportedGrant(grant);
}

/** `grant_type=client_credentials` with a client secret (in the body or HTTP Basic). */
async function clientCredentials(ctx: EmulatorContext, call: Call): Promise<Outcome> {
  const basic = basicCredentials(call.headers['authorization']);
  const clientId = call.form['client_id'] ?? basic.clientId;
  const secret = call.form['client_secret'] ?? basic.clientSecret;
  if (!clientId) return aadErrors.missingParameter('client_id');
  const scope = call.form['scope'];
  if (scope === undefined) return aadErrors.missingParameter('scope');
  const app = ctx.directory.findApp(call.tenant, clientId);
  if (!app) return aadErrors.appNotFound(clientId, call.tenant);
  if (!secretMatches(app, secret)) return aadErrors.invalidSecret(clientId);
  const resource = parseResourceScope(scope, call.tenant);
  if ('error' in resource) return resource;
  const cae = requestsCae(call.form['claims']);
  const lifetime = cae ? ctx.lifetimes.cae : ctx.lifetimes.token;
  const claims = appTokenClaims({
    url: ctx.url,
    tenantId: app.tenantId ?? call.tenant,
    clientId: app.clientId,
    resource,
    issuedAt: Math.floor(ctx.now() / 1000),
    lifetimeSeconds: lifetime,
    cae,
  });
  return { status: 200, body: tokenResponse(await ctx.signer.sign(claims), lifetime) };
}

function tokenResponse(accessToken: string, lifetime: number): object {
  return {
    token_type: 'Bearer',
    expires_in: lifetime,
    ext_expires_in: lifetime,
    ...(lifetime >= 7200 ? { refresh_in: Math.floor(lifetime / 2) } : {}),
    access_token: accessToken,
  };
}
