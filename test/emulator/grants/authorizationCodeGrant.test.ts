import {
  EMULATOR_TENANT_ID,
  EMULATOR_TEST_USER,
  issueClientCertificate,
  startEmulator,
} from '../../../src/emulator/index.js';
import type { CertificatePair, Emulator, RegisteredUser } from '../../../src/emulator/index.js';
import {
  LOOPBACK_REDIRECT,
  PUBLIC_CLIENT_ID,
  REDIRECT_URI,
  STORAGE_USER_SCOPE,
  WEB_CLIENT_ID,
  WEB_REDIRECT_URI,
  WEB_SECRET,
  assertionFields,
  clientAssertion,
  decodeClientInfo,
  pkcePair,
  redeemCode,
  redeemCodeOk,
  signInForCode,
  verifyToken,
} from '../support/flowHelpers.js';
import { json } from '../support/helpers.js';

const START_MS = Date.UTC(2030, 4, 5, 6, 7, 8);
const OTHER_PUBLIC_ID = '708192a3-0000-4000-8000-0000000000f6';

describe('authorization code grant', () => {
  let emulator: Emulator;
  let nowMs = START_MS;
  let ada: RegisteredUser;
  let cert: CertificatePair;

  beforeAll(async () => {
    cert = await issueClientCertificate();
    emulator = await startEmulator({
      now: () => nowMs,
      apps: [
        { clientId: PUBLIC_CLIENT_ID, publicClient: true, redirectUris: [REDIRECT_URI] },
        { clientId: OTHER_PUBLIC_ID, publicClient: true, redirectUris: [REDIRECT_URI] },
        {
          clientId: WEB_CLIENT_ID,
          clientSecret: WEB_SECRET,
          certificates: [cert.certPem],
          redirectUris: [WEB_REDIRECT_URI],
        },
      ],
    });
    ada = emulator.registerUser(EMULATOR_TEST_USER);
  });
  afterAll(() => emulator.stop());
  afterEach(() => {
    nowMs = START_MS;
  });

  const signIn = (params: Record<string, string | undefined> = {}) =>
    signInForCode(emulator, params);
  const redeem = (form: Record<string, string>) => redeemCode(emulator, form);
  const redeemOk = (form: Record<string, string>) => redeemCodeOk(emulator, form);

  it('answers with the Entra v2 shape: tokens, id token and client_info', async () => {
    const { code, verifier } = await signIn();
    const body = await redeemOk({ code, code_verifier: verifier });
    expect(Object.keys(body)).toEqual([
      'token_type',
      'scope',
      'expires_in',
      'ext_expires_in',
      'access_token',
      'refresh_token',
      'id_token',
      'client_info',
    ]);
    expect(body).toMatchObject({
      token_type: 'Bearer',
      scope: STORAGE_USER_SCOPE,
      expires_in: 3600,
      ext_expires_in: 3600,
    });
    expect(decodeClientInfo(body['client_info'])).toEqual({
      uid: ada.objectId,
      utid: EMULATOR_TENANT_ID,
    });
  });

  it('returns no refresh token without offline_access, no id token without openid', async () => {
    const { code, verifier } = await signIn({ scope: STORAGE_USER_SCOPE });
    const body = await redeemOk({
      code,
      code_verifier: verifier,
      scope: STORAGE_USER_SCOPE,
      client_info: '0',
    });
    expect(body).not.toHaveProperty('refresh_token');
    expect(body).not.toHaveProperty('id_token');
    expect(body).not.toHaveProperty('client_info');
  });

  describe('confidential clients', () => {
    const web = () =>
      signIn({
        client_id: WEB_CLIENT_ID,
        redirect_uri: WEB_REDIRECT_URI,
        code_challenge: undefined,
        code_challenge_method: undefined,
      });
    const redeemWeb = (code: string, auth: Record<string, string>) =>
      redeem({ client_id: WEB_CLIENT_ID, redirect_uri: WEB_REDIRECT_URI, code, ...auth });

    it('redeem with a secret (appidacr 1) or an assertion (appidacr 2)', async () => {
      const bySecret = await redeemWeb((await web()).code, { client_secret: WEB_SECRET });
      expect(bySecret.status).toBe(200);
      const secretClaims = await verifyToken(emulator, json(bySecret)['access_token'], nowMs);
      expect(secretClaims['appidacr']).toBe('1');
      const audience = `${emulator.url}/${EMULATOR_TENANT_ID}/oauth2/v2.0/token`;
      const assertion = await clientAssertion(cert, WEB_CLIENT_ID, audience, {
        now: nowMs / 1000,
      });
      const byCert = await redeemWeb((await web()).code, assertionFields(assertion));
      expect(byCert.status).toBe(200);
      const certClaims = await verifyToken(emulator, json(byCert)['access_token'], nowMs);
      expect(certClaims['appidacr']).toBe('2');
    });

    it('refuse to redeem without a credential (AADSTS7000218)', async () => {
      const result = await redeemWeb((await web()).code, {});
      expect(result.status).toBe(401);
      expect(json(result)).toMatchObject({ error: 'invalid_client', error_codes: [7000218] });
    });
  });

  it.each<[string, (code: string, verifier: string) => Record<string, string>, number]>([
    ['a wrong code_verifier', (code) => ({ code, code_verifier: pkcePair().verifier }), 501481],
    ['a missing code_verifier', (code) => ({ code }), 501481],
    [
      'another redirect_uri',
      (code, v) => ({ code, code_verifier: v, redirect_uri: 'http://localhost:9999' }),
      500112,
    ],
    ['an unknown code', (_code, v) => ({ code: 'not-a-code', code_verifier: v }), 70000],
    [
      'another client',
      (code, v) => ({ code, code_verifier: v, client_id: OTHER_PUBLIC_ID }),
      70000,
    ],
  ])('refuses %s with invalid_grant AADSTS%i', async (_name, form, errorCode) => {
    const { code, verifier } = await signIn();
    const result = await redeem(form(code, verifier));
    expect(result.status).toBe(400);
    expect(json(result)).toMatchObject({ error: 'invalid_grant', error_codes: [errorCode] });
    expect(result.text).not.toContain(code);
    expect(result.text).not.toContain(verifier);
  });

  it('refuses a redeemed code with AADSTS54005', async () => {
    const { code, verifier } = await signIn();
    await redeemOk({ code, code_verifier: verifier });
    const again = await redeem({ code, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(json(again)).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
  });

  it('refuses a code after its 10 minutes with AADSTS70008', async () => {
    const { code, verifier } = await signIn();
    nowMs += 600_000;
    const result = await redeem({ code, code_verifier: verifier });
    expect(result.status).toBe(400);
    expect(json(result)).toMatchObject({ error: 'invalid_grant', error_codes: [70008] });
  });

  it('requires the redirect_uri of the code', async () => {
    const { code, verifier } = await signIn();
    const result = await redeem({ code, code_verifier: verifier, redirect_uri: '' });
    expect(json(result)['error_codes']).toEqual([900144]);
    const right = await redeem({ code, code_verifier: verifier, redirect_uri: LOOPBACK_REDIRECT });
    expect(right.status).toBe(200);
  });

  it('keeps codes, verifiers and tokens out of the request log', async () => {
    const { code, verifier } = await signIn();
    const body = await redeemOk({ code, code_verifier: verifier });
    const log = JSON.stringify(emulator.requests);
    for (const secret of [code, verifier, body['refresh_token'], body['access_token']]) {
      expect(log).not.toContain(String(secret));
    }
    expect(emulator.requests.at(-1)?.form).toMatchObject({
      code: '<redacted>',
      code_verifier: '<redacted>',
    });
  });
});
