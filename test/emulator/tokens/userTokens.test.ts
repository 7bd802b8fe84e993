import { decodeProtectedHeader } from 'jose';
import {
  EMULATOR_TENANT_ID,
  EMULATOR_TEST_USER,
  startEmulator,
} from '../../../src/emulator/index.js';
import type { Emulator, RegisteredUser } from '../../../src/emulator/index.js';
import {
  PUBLIC_CLIENT_ID,
  REDIRECT_URI,
  decodeClientInfo,
  redeemCodeOk,
  signInForCode,
  verifyToken,
} from '../support/flowHelpers.js';

const NOW_MS = Date.UTC(2030, 4, 5, 6, 7, 8);
const NOW = NOW_MS / 1000;
const API_ID = '8192a3b4-0000-4000-8000-000000000107';
const OTHER_TENANT = '0c0ffee0-0000-4000-8000-000000000002';
const CAE_CLAIMS = JSON.stringify({ access_token: { xms_cc: { values: ['cp1'] } } });

describe('user tokens', () => {
  let emulator: Emulator;
  let ada: RegisteredUser;

  beforeAll(async () => {
    emulator = await startEmulator({
      now: () => NOW_MS,
      apps: [
        { clientId: PUBLIC_CLIENT_ID, publicClient: true, redirectUris: [REDIRECT_URI] },
        { clientId: API_ID, apiScopes: ['access_as_user', 'Files.Read'] },
      ],
      users: [{ username: 'grace@fabrikam.test', password: 'pw-grace', tenantId: OTHER_TENANT }],
    });
    ada = emulator.registerUser(EMULATOR_TEST_USER);
  });
  afterAll(() => emulator.stop());

  /** Signs in for `scope` (the token request repeats it) and redeems the code. */
  async function tokensFor(
    params: Record<string, string> = {},
    form: Record<string, string> = {},
  ): Promise<Record<string, unknown>> {
    const { code, verifier } = await signInForCode(emulator, params);
    const scope: Record<string, string> = params['scope'] ? { scope: params['scope'] } : {};
    return redeemCodeOk(emulator, { code, code_verifier: verifier, ...scope, ...form });
  }

  it('issues a v1 delegated access token for the user', async () => {
    const claims = await verifyToken(emulator, (await tokensFor())['access_token'], NOW_MS);
    expect(claims).toMatchObject({
      aud: 'https://storage.azure.com',
      iss: `https://sts.windows.net/${EMULATOR_TENANT_ID}/`,
      ver: '1.0',
      idtyp: 'user',
      scp: 'user_impersonation',
      oid: ada.objectId,
      upn: 'ada@contoso.test',
      unique_name: 'ada@contoso.test',
      name: 'ada',
      tid: EMULATOR_TENANT_ID,
      appid: PUBLIC_CLIENT_ID,
      appidacr: '0',
      iat: NOW,
      exp: NOW + 3600,
    });
    expect(claims['sub']).toMatch(/^[\w-]{43}$/);
    expect(claims['sub']).not.toBe(ada.objectId);
  });

  it('issues an RS256 v2 id token with the nonce', async () => {
    const body = await tokensFor();
    expect(decodeProtectedHeader(String(body['id_token']))).toMatchObject({ alg: 'RS256' });
    const claims = await verifyToken(emulator, body['id_token'], NOW_MS);
    expect(claims).toMatchObject({
      aud: PUBLIC_CLIENT_ID,
      iss: `${emulator.url}/${EMULATOR_TENANT_ID}/v2.0`,
      ver: '2.0',
      nonce: 'nonce-456',
      oid: ada.objectId,
      tid: EMULATOR_TENANT_ID,
      preferred_username: 'ada@contoso.test',
      name: 'ada',
      iat: NOW,
      nbf: NOW,
      exp: NOW + 3600,
    });
    const access = await verifyToken(emulator, body['access_token'], NOW_MS);
    expect(claims['sub']).toBe(access['sub']);
  });

  it.each([
    [
      'Graph User.Read',
      'https://graph.microsoft.com/User.Read',
      'https://graph.microsoft.com',
      'User.Read',
    ],
    ['a bare Graph name', 'Mail.Read', 'https://graph.microsoft.com', 'Mail.Read'],
    [
      'storage .default',
      'https://storage.azure.com/.default',
      'https://storage.azure.com',
      'user_impersonation',
    ],
    ['only OpenID scopes', '', 'https://graph.microsoft.com', 'openid profile User.Read'],
  ])('issues a v1 token for %s', async (_name, resourceScope, aud, scp) => {
    const scope = `${resourceScope} openid profile offline_access`.trim();
    const body = await tokensFor({ scope });
    expect(body['scope']).toBe(resourceScope === '' ? scp : resourceScope);
    const claims = await verifyToken(emulator, body['access_token'], NOW_MS);
    expect(claims).toMatchObject({ aud, scp, ver: '1.0' });
  });

  it.each([
    ['a named permission', 'access_as_user', 'access_as_user'],
    ['.default (every exposed permission)', '.default', 'access_as_user Files.Read'],
  ])('issues a v2 token for an API: %s', async (_name, permission, scp) => {
    const body = await tokensFor({ scope: `api://${API_ID}/${permission} openid offline_access` });
    const claims = await verifyToken(emulator, body['access_token'], NOW_MS);
    expect(claims).toMatchObject({
      aud: `api://${API_ID}`,
      iss: `${emulator.url}/${EMULATOR_TENANT_ID}/v2.0`,
      ver: '2.0',
      scp,
      azp: PUBLIC_CLIENT_ID,
      azpacr: '0',
      preferred_username: 'ada@contoso.test',
      idtyp: 'user',
    });
  });

  it('issues a long-lived CAE token when the claims ask for cp1', async () => {
    const body = await tokensFor({}, { claims: CAE_CLAIMS });
    expect(body).toMatchObject({ expires_in: 86400, refresh_in: 43200 });
    expect((await verifyToken(emulator, body['access_token'], NOW_MS))['xms_cc']).toEqual(['cp1']);
  });

  it('signs in a user of another tenant on /common, whose tenant the tokens carry', async () => {
    const answer = { username: 'grace@fabrikam.test', password: 'pw-grace' };
    const { code, verifier } = await signInForCode(emulator, {}, answer, 'common');
    const body = await redeemCodeOk(emulator, { code, code_verifier: verifier }, 'common');
    const claims = await verifyToken(emulator, body['access_token'], NOW_MS);
    expect(claims).toMatchObject({ tid: OTHER_TENANT, upn: 'grace@fabrikam.test' });
    expect(decodeClientInfo(body['client_info'])).toMatchObject({ utid: OTHER_TENANT });
  });
});
