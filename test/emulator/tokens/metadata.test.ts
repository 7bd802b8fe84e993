import { EMULATOR_TENANT_ID, startEmulator } from '../../../src/emulator/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { CLIENT_ID, get, json } from '../support/helpers.js';

const OTHER_TENANT = '0c0ffee0-0000-4000-8000-000000000002';

describe('emulator metadata routes', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ apps: [{ clientId: CLIENT_ID, tenantId: OTHER_TENANT }] });
  });
  afterAll(() => emulator.stop());

  it('binds 127.0.0.1 and names itself the authority host', () => {
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.authorityHost).toBe(emulator.url);
    expect(emulator.tenantId).toBe(EMULATOR_TENANT_ID);
    expect(emulator.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('serves the OpenID configuration of a tenant', async () => {
    const result = await get(
      emulator,
      `/${EMULATOR_TENANT_ID}/v2.0/.well-known/openid-configuration`,
    );
    const base = `${emulator.url}/${EMULATOR_TENANT_ID}`;
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json(result)).toMatchObject({
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
      tenant_region_scope: null,
      cloud_instance_name: 'microsoftonline.com',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    });
    for (const field of [
      'response_types_supported',
      'subject_types_supported',
      'token_endpoint_auth_methods_supported',
      'scopes_supported',
      'claims_supported',
    ]) {
      expect(Array.isArray(json(result)[field])).toBe(true);
    }
  });

  it('knows the tenants of registered apps', async () => {
    const result = await get(emulator, `/${OTHER_TENANT}/v2.0/.well-known/openid-configuration`);
    expect(json(result)['issuer']).toBe(`${emulator.url}/${OTHER_TENANT}/v2.0`);
  });

  it.each(['common', 'organizations'])(
    'puts the {tenantid} placeholder in the issuer for /%s',
    async (alias) => {
      const result = await get(emulator, `/${alias}/v2.0/.well-known/openid-configuration`);
      expect(result.status).toBe(200);
      expect(json(result)).toMatchObject({
        issuer: `${emulator.url}/{tenantid}/v2.0`,
        token_endpoint: `${emulator.url}/${alias}/oauth2/v2.0/token`,
      });
    },
  );

  it('answers instance discovery with this host as network, cache and alias', async () => {
    const host = new URL(emulator.url).host;
    const authorize = `${emulator.url}/${EMULATOR_TENANT_ID}/oauth2/v2.0/authorize`;
    const query = new URLSearchParams({ 'api-version': '1.1', authorization_endpoint: authorize });
    const result = await get(emulator, `/common/discovery/instance?${query.toString()}`);
    expect(result.status).toBe(200);
    expect(json(result)).toEqual({
      tenant_discovery_endpoint: `${emulator.url}/${EMULATOR_TENANT_ID}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  });

  it('refuses instance discovery for another host', async () => {
    const query = new URLSearchParams({
      'api-version': '1.1',
      authorization_endpoint: 'https://login.example.invalid/common/oauth2/v2.0/authorize',
    });
    const result = await get(emulator, `/common/discovery/instance?${query.toString()}`);
    expect(result.status).toBe(400);
    expect(json(result)).toMatchObject({ error: 'invalid_instance', error_codes: [50049] });
  });

  it.each([EMULATOR_TENANT_ID, 'common'])('serves the JWKS on /%s', async (tenant) => {
    const result = await get(emulator, `/${tenant}/discovery/v2.0/keys`);
    expect(result.status).toBe(200);
    expect(json(result)).toEqual(emulator.jwks);
    const [key] = emulator.jwks.keys;
    expect(key).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', e: 'AQAB' });
    expect(key).toHaveProperty('kid');
    expect(key).toHaveProperty('n');
    expect(key).not.toHaveProperty('d');
  });

  it.each([
    ['openid configuration', '/v2.0/.well-known/openid-configuration'],
    ['keys', '/discovery/v2.0/keys'],
  ])('answers 400 AADSTS90002 for the %s of an unknown tenant', async (_name, suffix) => {
    const tenant = 'deadbeef-0000-4000-8000-000000000bad';
    const result = await get(emulator, `/${tenant}${suffix}`);
    expect(result.status).toBe(400);
    const body = json(result);
    expect(body).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
    expect(body['error_description']).toMatch(
      new RegExp(`^AADSTS90002: Tenant '${tenant}' not found`),
    );
  });
});
