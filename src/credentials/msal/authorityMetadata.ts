/**
 * The metadata MSAL would otherwise discover over the network (instance discovery and the OpenID
 * configuration). Entra's endpoints follow one pattern per authority, so the library builds them
 * and every acquisition costs one request: the token request.
 */

/** Options MSAL takes to skip discovery for one authority. */
export interface AuthorityConfig {
  authority: string;
  knownAuthorities: string[];
  authorityMetadata: string;
  cloudDiscoveryMetadata: string;
}

/** Builds the authority URL and the metadata for `host` and `tenantId` (ADFS included). */
export function authorityConfig(host: string, tenantId: string): AuthorityConfig {
  const authority = `${host}/${tenantId}`;
  const isAdfs = tenantId.toLowerCase() === 'adfs';
  const base = isAdfs ? `${authority}/oauth2` : `${authority}/oauth2/v2.0`;
  const hostname = new URL(host).host;
  const metadata = {
    token_endpoint: `${base}/token`,
    authorization_endpoint: `${base}/authorize`,
    device_authorization_endpoint: `${base}/devicecode`,
    end_session_endpoint: `${base}/logout`,
    issuer: isAdfs ? authority : `${authority}/v2.0`,
    jwks_uri: isAdfs ? `${authority}/discovery/keys` : `${authority}/discovery/v2.0/keys`,
  };
  const discovery = {
    tenant_discovery_endpoint: isAdfs
      ? `${authority}/.well-known/openid-configuration`
      : `${authority}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: hostname, preferred_cache: hostname, aliases: [hostname] }],
  };
  return {
    authority,
    knownAuthorities: [host],
    authorityMetadata: JSON.stringify(metadata),
    cloudDiscoveryMetadata: JSON.stringify(discovery),
  };
}
