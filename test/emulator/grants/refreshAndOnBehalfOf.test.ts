import { SignJWT, decodeJwt, generateKeyPair } from 'jose';
import {
  EMULATOR_TENANT_ID,
  EMULATOR_TEST_USER,
  startEmulator,
} from '../../../src/emulator/index.js';
import type { Emulator, RegisteredUser } from '../../../src/emulator/index.js';
import {
  PUBLIC_CLIENT_ID,
  REDIRECT_URI,
  WEB_CLIENT_ID,
  WEB_SECRET,
  decodeClientInfo,
  redeemCodeOk,
  signInForCode,
  verifyToken,
} from '../support/flowHelpers.js';
import { json, postForm, tokenPath } from '../support/helpers.js';
import type { HttpResult } from '../support/helpers.js';

const START_MS = Date.UTC(2030, 6, 7, 8, 9, 10);
const API_ID = '92a3b4c5-0000-4000-8000-000000000218';
const API_SECRET = 'api~secret.value-Emul8tor';
const API_SCOPE = `api://${API_ID}/access_as_user`;
const GRAPH_SCOPES = 'https://graph.microsoft.com/User.Read openid profile offline_access';
const OBO_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

describe('refresh tokens and on-behalf-of', () => {
  let emulator: Emulator;
  let nowMs = START_MS;
  let ada: RegisteredUser;

  beforeAll(async () => {
    emulator = await startEmulator({
      now: () => nowMs,
      apps: [
        { clientId: PUBLIC_CLIENT_ID, publicClient: true, redirectUris: [REDIRECT_URI] },
        { clientId: WEB_CLIENT_ID, clientSecret: WEB_SECRET },
        { clientId: API_ID, clientSecret: API_SECRET, apiScopes: ['access_as_user'] },
      ],
    });
    ada = emulator.registerUser(EMULATOR_TEST_USER);
  });
  afterAll(() => emulator.stop());
  afterEach(() => {
    nowMs = START_MS;
  });

  /** Signs the test user in to the public client for `scope`; the token response. */
  async function userTokens(scope: string, tenant?: string): Promise<Record<string, unknown>> {
    const { code, verifier } = await signInForCode(emulator, { scope }, {}, tenant);
    return redeemCodeOk(emulator, { code, code_verifier: verifier, scope }, tenant);
  }

  const refresh = (refreshToken: unknown, form: Record<string, string> = {}, tenant?: string) =>
    postForm(emulator, tokenPath(tenant), {
      grant_type: 'refresh_token',
      client_id: PUBLIC_CLIENT_ID,
      refresh_token: String(refreshToken),
      scope: 'https://storage.azure.com/user_impersonation openid profile offline_access',
      client_info: '1',
      ...form,
    });

  describe('refresh_token grant', () => {
    it('rotates: a new refresh token each time, the old one still valid', async () => {
      const first = await userTokens(`https://storage.azure.com/user_impersonation offline_access`);
      const second = json(await refresh(first['refresh_token']));
      expect(second['refresh_token']).toEqual(expect.any(String));
      expect(second['refresh_token']).not.toBe(first['refresh_token']);
      expect(second['access_token']).not.toBe(first['access_token']);
      const again = await refresh(first['refresh_token']);
      expect(again.status).toBe(200);
      expect((await refresh(second['refresh_token'])).status).toBe(200);
    });

    it('answers like the code grant: id token, client_info, scope', async () => {
      const first = await userTokens(`https://storage.azure.com/user_impersonation offline_access`);
      const body = json(await refresh(first['refresh_token']));
      expect(body).toMatchObject({
        token_type: 'Bearer',
        scope: 'https://storage.azure.com/user_impersonation',
        expires_in: 3600,
        ext_expires_in: 3600,
      });
      expect(decodeClientInfo(body['client_info'])).toEqual({
        uid: ada.objectId,
        utid: EMULATOR_TENANT_ID,
      });
      const idToken = await verifyToken(emulator, body['id_token'], nowMs);
      expect(idToken).toMatchObject({ aud: PUBLIC_CLIENT_ID, oid: ada.objectId });
    });

    it('issues a token for another resource (multi-resource refresh tokens)', async () => {
      const first = await userTokens(`https://storage.azure.com/user_impersonation offline_access`);
      const result = await refresh(first['refresh_token'], { scope: GRAPH_SCOPES });
      expect(result.status).toBe(200);
      const claims = await verifyToken(emulator, json(result)['access_token'], nowMs);
      expect(claims).toMatchObject({
        aud: 'https://graph.microsoft.com',
        scp: 'User.Read',
        oid: ada.objectId,
      });
    });

    it('works on /common, keeping the tenant', async () => {
      const first = await userTokens(
        `https://storage.azure.com/user_impersonation offline_access`,
        'common',
      );
      const result = await refresh(first['refresh_token'], {}, 'common');
      const claims = await verifyToken(emulator, json(result)['access_token'], nowMs);
      expect(claims['tid']).toBe(EMULATOR_TENANT_ID);
    });

    it('refuses a refresh token unused for 90 days with AADSTS700082', async () => {
      const first = await userTokens(`https://storage.azure.com/user_impersonation offline_access`);
      nowMs += 90 * 86_400_000;
      expectError(await refresh(first['refresh_token']), 'invalid_grant', 700082);
    });

    it.each([
      ['an unknown refresh token', {}, 'not-a-refresh-token'],
      ['another client', { client_id: WEB_CLIENT_ID, client_secret: WEB_SECRET }, undefined],
    ])('refuses %s with invalid_grant AADSTS70000', async (_name, form, token) => {
      const first = await userTokens(`https://storage.azure.com/user_impersonation offline_access`);
      const presented = token ?? String(first['refresh_token']);
      const result = await refresh(presented, form);
      expectError(result, 'invalid_grant', 70000);
      expect(result.text).not.toContain(presented);
    });
  });

  describe('on-behalf-of', () => {
    const obo = (assertion: unknown, form: Record<string, string> = {}) =>
      postForm(emulator, tokenPath(), {
        grant_type: OBO_GRANT,
        requested_token_use: 'on_behalf_of',
        client_id: API_ID,
        client_secret: API_SECRET,
        assertion: String(assertion),
        scope: GRAPH_SCOPES,
        client_info: '1',
        ...form,
      });

    it('exchanges the API’s user token for a Graph token for the same user', async () => {
      const incoming = (await userTokens(`${API_SCOPE} openid offline_access`))['access_token'];
      const result = await obo(incoming);
      expect(result.status).toBe(200);
      const body = json(result);
      expect(body).toMatchObject({
        token_type: 'Bearer',
        scope: 'https://graph.microsoft.com/User.Read',
      });
      expect(body['refresh_token']).toEqual(expect.any(String));
      const claims = await verifyToken(emulator, body['access_token'], nowMs);
      expect(claims).toMatchObject({
        aud: 'https://graph.microsoft.com',
        scp: 'User.Read',
        oid: ada.objectId,
        upn: 'ada@contoso.test',
        name: 'ada',
        tid: EMULATOR_TENANT_ID,
        appid: API_ID,
        appidacr: '1',
        idtyp: 'user',
      });
    });

    it('accepts a user token whose audience is the bare client id', async () => {
      const incoming = (await userTokens(`${API_ID}/access_as_user`))['access_token'];
      expect(decodeJwt(String(incoming))['aud']).toBe(API_ID);
      expect((await obo(incoming)).status).toBe(200);
    });

    it.each<[string, () => Promise<string>, string]>([
      ['a token signed by another key', () => forged(), 'Assertion failed signature validation.'],
      [
        'a token for another audience',
        () => storageToken(),
        'Assertion failed signature validation. [Reason - Assertion audience',
      ],
      [
        'an app-only token',
        () => appToken(),
        'Assertion failed signature validation. [Reason - The assertion is not a user token.]',
      ],
      ['an expired token', () => expiredToken(), 'Assertion is not within its valid time range.'],
    ])('refuses %s with invalid_grant AADSTS50013', async (_name, make, message) => {
      const assertion = await make();
      const result = await obo(assertion);
      expectError(result, 'invalid_grant', 50013);
      expect(String(json(result)['error_description'])).toContain(`AADSTS50013: ${message}`);
      expect(result.text).not.toContain(assertion);
      nowMs = START_MS;
    });

    it.each([
      ['no assertion', { assertion: '' }, 400, 900144],
      ['no requested_token_use', { requested_token_use: '' }, 400, 900144],
      ['no client credential', { client_secret: '' }, 401, 7000218],
    ])('refuses %s', async (_name, override, status, code) => {
      const incoming = (await userTokens(`${API_SCOPE} openid`))['access_token'];
      const form = { ...override } as Record<string, string>;
      const result = await postForm(emulator, tokenPath(), {
        grant_type: OBO_GRANT,
        client_id: API_ID,
        scope: GRAPH_SCOPES,
        ...withoutEmpty({
          requested_token_use: 'on_behalf_of',
          client_secret: API_SECRET,
          assertion: String(incoming),
          ...form,
        }),
      });
      expect(result.status).toBe(status);
      expect(json(result)['error_codes']).toEqual([code]);
    });

    async function forged(): Promise<string> {
      const real = decodeJwt(String((await userTokens(`${API_SCOPE} openid`))['access_token']));
      const { privateKey } = await generateKeyPair('RS256');
      return new SignJWT(real).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(privateKey);
    }

    async function storageToken(): Promise<string> {
      return String(
        (await userTokens('https://storage.azure.com/user_impersonation'))['access_token'],
      );
    }

    async function appToken(): Promise<string> {
      const result = await postForm(emulator, tokenPath(), {
        grant_type: 'client_credentials',
        client_id: WEB_CLIENT_ID,
        client_secret: WEB_SECRET,
        scope: `api://${API_ID}/.default`,
      });
      return String(json(result)['access_token']);
    }

    async function expiredToken(): Promise<string> {
      const token = String((await userTokens(`${API_SCOPE} openid`))['access_token']);
      nowMs += 3600_000;
      return token;
    }
  });
});

function expectError(result: HttpResult, error: string, code: number): void {
  expect(result.status).toBe(400);
  expect(json(result)).toMatchObject({ error, error_codes: [code] });
}

function withoutEmpty(form: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([, value]) => value !== ''));
}
