/**
 * The client credentials grant: an app token for one resource (`<resource>/.default`).
 *
 * @packageDocumentation
 */
import { aadErrors } from '../errors/aadErrors.js';
import type { Call, Outcome } from '../http/call.js';
import { isMultiTenantAlias } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { appTokenClaims, lifetimeFields, requestsCae } from '../tokens/accessToken.js';
import { parseResourceScope } from '../tokens/resourceScope.js';
import { authenticateClient, clientIdOf, isAuthenticated } from './clientAuth.js';

/** `grant_type=client_credentials` with a secret (body or HTTP Basic) or a client assertion. */
export async function clientCredentialsGrant(ctx: EmulatorContext, call: Call): Promise<Outcome> {
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
