import {
  DeviceCodeDecisionError,
  EMULATOR_TENANT_ID,
  EMULATOR_TEST_USER,
  startEmulator,
} from '../../../src/emulator/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import {
  PUBLIC_CLIENT_ID,
  WEB_CLIENT_ID,
  WEB_SECRET,
  decodeClientInfo,
  verifyToken,
} from '../support/flowHelpers.js';
import { get, json, postForm, tokenPath } from '../support/helpers.js';
import type { HttpResult } from '../support/helpers.js';

const START_MS = Date.UTC(2030, 8, 9, 10, 11, 12);
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const SCOPES = 'https://storage.azure.com/user_impersonation openid profile offline_access';
const DEVICE_CODE_PATH = `/${EMULATOR_TENANT_ID}/oauth2/v2.0/devicecode`;

describe('device code flow', () => {
  let emulator: Emulator;
  let nowMs = START_MS;

  beforeAll(async () => {
    emulator = await startEmulator({
      now: () => nowMs,
      deviceCodeIntervalSeconds: 1,
      apps: [
        { clientId: PUBLIC_CLIENT_ID, publicClient: true, displayName: 'Contoso CLI' },
        { clientId: WEB_CLIENT_ID, clientSecret: WEB_SECRET },
      ],
    });
  });
  afterAll(() => emulator.stop());
  afterEach(() => {
    nowMs = START_MS;
  });

  async function deviceCode(clientId = PUBLIC_CLIENT_ID): Promise<Record<string, unknown>> {
    const result = await postForm(emulator, DEVICE_CODE_PATH, {
      client_id: clientId,
      scope: SCOPES,
    });
    expect(result.status).toBe(200);
    return json(result);
  }

  const poll = (code: Record<string, unknown>, form: Record<string, string> = {}) =>
    postForm(emulator, tokenPath(), {
      grant_type: DEVICE_GRANT,
      client_id: PUBLIC_CLIENT_ID,
      device_code: String(code['device_code']),
      scope: SCOPES,
      client_info: '1',
      ...form,
    });

  it('issues a device code in Entra’s shape', async () => {
    const body = await deviceCode();
    expect(Object.keys(body)).toEqual([
      'user_code',
      'device_code',
      'verification_uri',
      'expires_in',
      'interval',
      'message',
    ]);
    const userCode = String(body['user_code']);
    expect(userCode).toMatch(/^[A-HJ-NP-Z2-9]{9}$/);
    expect(body).toMatchObject({
      verification_uri: `${emulator.url}/devicelogin`,
      expires_in: 900,
      interval: 1,
    });
    expect(body['message']).toBe(
      `To sign in, use a web browser to open the page ${emulator.url}/devicelogin and enter the ` +
        `code ${userCode} to authenticate.`,
    );
    expect(emulator.pendingDeviceCodes()).toContainEqual({
      userCode,
      clientId: PUBLIC_CLIENT_ID,
      scopes: SCOPES.split(' '),
    });
  });

  it('answers authorization_pending, then slow_down when polled within the interval', async () => {
    const code = await deviceCode();
    expectError(await poll(code), 'authorization_pending', [70016]);
    expectError(await poll(code), 'slow_down', []);
    nowMs += 1000;
    expectError(await poll(code), 'authorization_pending', [70016]);
  });

  it('issues tokens once approved, then forgets the device code', async () => {
    const code = await deviceCode();
    emulator.approveDeviceCode(String(code['user_code']));
    const result = await poll(code);
    expect(result.status).toBe(200);
    const body = json(result);
    expect(body).toMatchObject({
      token_type: 'Bearer',
      scope: 'https://storage.azure.com/user_impersonation',
    });
    expect(body['refresh_token']).toEqual(expect.any(String));
    const claims = await verifyToken(emulator, body['access_token'], nowMs);
    expect(claims).toMatchObject({
      upn: EMULATOR_TEST_USER.username,
      appid: PUBLIC_CLIENT_ID,
      tid: EMULATOR_TENANT_ID,
    });
    const idToken = await verifyToken(emulator, body['id_token'], nowMs);
    expect(decodeClientInfo(body['client_info'])).toEqual({
      uid: idToken['oid'],
      utid: EMULATOR_TENANT_ID,
    });
    expectError(await poll(code), 'invalid_grant', [70000]);
    expect(emulator.pendingDeviceCodes().map((p) => p.userCode)).not.toContain(code['user_code']);
  });

  it('answers authorization_declined once denied', async () => {
    const code = await deviceCode();
    emulator.denyDeviceCode(String(code['user_code']));
    expectError(await poll(code), 'authorization_declined', [70000]);
  });

  it('accepts grant_type=device_code, as MSAL sends it', async () => {
    const code = await deviceCode();
    emulator.approveDeviceCode(String(code['user_code']));
    expect((await poll(code, { grant_type: 'device_code' })).status).toBe(200);
  });

  it('answers expired_token after expires_in', async () => {
    const code = await deviceCode();
    nowMs += 900_000;
    expectError(await poll(code), 'expired_token', [70020]);
    expect(() => emulator.approveDeviceCode(String(code['user_code']))).toThrow(/has expired/);
  });

  it('requires a confidential client’s credential when polling', async () => {
    const code = await deviceCode(WEB_CLIENT_ID);
    const withoutSecret = await poll(code, { client_id: WEB_CLIENT_ID });
    expect(withoutSecret.status).toBe(401);
    expect(json(withoutSecret)['error_codes']).toEqual([7000218]);
    const withSecret = await poll(code, { client_id: WEB_CLIENT_ID, client_secret: WEB_SECRET });
    expectError(withSecret, 'authorization_pending', [70016]);
  });

  it('throws DeviceCodeDecisionError for unknown codes, decided codes and unknown users', async () => {
    expect(() => emulator.approveDeviceCode('NOSUCHCODE')).toThrow(DeviceCodeDecisionError);
    const code = String((await deviceCode())['user_code']);
    expect(() => emulator.approveDeviceCode(code, 'nobody@contoso.test')).toThrow(/No user/);
    emulator.denyDeviceCode(code.toLowerCase());
    expect(() => emulator.denyDeviceCode(code)).toThrow(/already used/);
  });

  it.each([
    ['an unknown client', { client_id: 'nope', scope: SCOPES }, 700016],
    ['no scope', { client_id: PUBLIC_CLIENT_ID }, 900144],
    [
      'two resources',
      {
        client_id: PUBLIC_CLIENT_ID,
        scope: 'https://storage.azure.com/x https://vault.azure.net/y',
      },
      28000,
    ],
  ])('refuses a device code request with %s', async (_name, form, code) => {
    const result = await postForm(emulator, DEVICE_CODE_PATH, form);
    expect(result.status).toBe(400);
    expect(json(result)['error_codes']).toEqual([code]);
  });

  it('answers a GET on the device code endpoint with AADSTS900561', async () => {
    expect(json(await get(emulator, DEVICE_CODE_PATH))['error_codes']).toEqual([900561]);
  });

  describe('the device login page', () => {
    const signIn = (form: Record<string, string>) => postForm(emulator, '/devicelogin', form);

    it('shows a form prefilled with ?otc=', async () => {
      const result = await get(emulator, '/devicelogin?otc=ABCDEFGHJ');
      expect(result.status).toBe(200);
      expect(result.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(result.text).toContain('<form method="post" action="/devicelogin">');
      expect(result.text).toMatch(
        /name="user_code" autocomplete="one-time-code" value="ABCDEFGHJ"/,
      );
    });

    it('signs the user in with the right password; the next poll gets tokens', async () => {
      const code = await deviceCode();
      const wrong = await signIn({
        user_code: String(code['user_code']),
        username: EMULATOR_TEST_USER.username,
        password: 'not-it-XYZ',
        action: 'approve',
      });
      expect(wrong.text).toContain('AADSTS50126');
      expect(wrong.text).not.toContain('not-it-XYZ');
      const right = await signIn({
        user_code: String(code['user_code']),
        ...EMULATOR_TEST_USER,
        action: 'approve',
      });
      expect(right.text).toContain(
        'You have signed in to the Contoso CLI application on your device.',
      );
      expect(right.text).not.toContain(EMULATOR_TEST_USER.password);
      expect((await poll(code)).status).toBe(200);
    });

    it('declines on cancel', async () => {
      const code = await deviceCode();
      const result = await signIn({ user_code: String(code['user_code']), action: 'cancel' });
      expect(result.text).toContain('You have declined');
      expectError(await poll(code), 'authorization_declined', [70000]);
    });

    it('says so for an unknown code', async () => {
      const result = await signIn({
        user_code: 'ZZZZZZZZZ',
        ...EMULATOR_TEST_USER,
        action: 'approve',
      });
      expect(result.status).toBe(200);
      expect(result.text).toContain('That code didn&#39;t work.');
    });
  });

  it('counts device code requests and pages, and redacts device codes in the log', async () => {
    emulator.counters.reset();
    const code = await deviceCode();
    await poll(code);
    await get(emulator, '/devicelogin');
    expect(emulator.counters.get('devicecode')).toBe(1);
    expect(emulator.counters.get(`token:${DEVICE_GRANT}`)).toBe(1);
    expect(emulator.counters.get('devicelogin')).toBe(1);
    expect(JSON.stringify(emulator.requests)).not.toContain(String(code['device_code']));
  });
});

describe('device code polling without an interval', () => {
  it('never answers slow_down when the interval is 0', async () => {
    const emulator = await startEmulator({
      deviceCodeIntervalSeconds: 0,
      deviceCodeLifetimeSeconds: 60,
      apps: [{ clientId: PUBLIC_CLIENT_ID, publicClient: true }],
    });
    try {
      const issued = await postForm(emulator, DEVICE_CODE_PATH, {
        client_id: PUBLIC_CLIENT_ID,
        scope: SCOPES,
      });
      expect(json(issued)).toMatchObject({ interval: 0, expires_in: 60 });
      const form = {
        grant_type: DEVICE_GRANT,
        client_id: PUBLIC_CLIENT_ID,
        device_code: String(json(issued)['device_code']),
      };
      for (let i = 0; i < 3; i += 1) {
        expectError(await postForm(emulator, tokenPath(), form), 'authorization_pending', [70016]);
      }
    } finally {
      await emulator.stop();
    }
  });
});

function expectError(result: HttpResult, error: string, codes: number[]): void {
  expect(result.status).toBe(400);
  expect(json(result)).toMatchObject({ error, error_codes: codes });
}
