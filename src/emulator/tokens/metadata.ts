/**
 * Metadata routes: OpenID configuration, instance discovery and the JWKS.
 *
 * @packageDocumentation
 */
import { aadErrors } from '../errors/aadErrors.js';
import type { Call, Outcome, Reply } from '../http/call.js';
import { isMultiTenantAlias } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';

const CLAIMS_SUPPORTED = [
  'sub',
  'iss',
  'cloud_instance_name',
  'cloud_instance_host_name',
  'cloud_graph_host_name',
  'msgraph_host',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'acr',
  'nonce',
  'preferred_username',
  'name',
  'tid',
  'ver',
  'at_hash',
  'c_hash',
  'email',
];

/** The OpenID configuration document of `call.tenant`. */
export function openidConfiguration(ctx: EmulatorContext, call: Call): Reply {
  const base = `${ctx.url}/${call.tenant}`;
  const issuerTenant = isMultiTenantAlias(call.tenant) ? '{tenantid}' : call.tenant;
  const body = {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${ctx.url}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: CLAIMS_SUPPORTED,
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
  return { status: 200, body };
}

/** The instance discovery answer: this host is its own preferred network, cache and alias. */
export function instanceDiscovery(ctx: EmulatorContext, call: Call): Outcome {
  const endpoint = call.query['authorization_endpoint'];
  const tenant = endpoint === undefined ? 'common' : tenantOfEndpoint(ctx, endpoint);
  if (tenant === undefined) return aadErrors.unknownInstance();
  const body = {
    tenant_discovery_endpoint: `${ctx.url}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: ctx.host, preferred_cache: ctx.host, aliases: [ctx.host] }],
  };
  return { status: 200, body };
}

/** The JWKS document. */
export function jwksDocument(ctx: EmulatorContext): Reply {
  return { status: 200, body: ctx.signer.jwks };
}

/** The tenant segment of an authorization endpoint on this host; undefined for other hosts. */
function tenantOfEndpoint(ctx: EmulatorContext, endpoint: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(endpoint);
  } catch {
    return undefined;
  }
  const port = new URL(ctx.url).port;
  const sameHost = ['127.0.0.1', 'localhost'].includes(parsed.hostname) && parsed.port === port;
  const tenant = parsed.pathname.split('/')[1];
  return sameHost && tenant ? tenant : undefined;
}
