import { decodeJwt } from 'jose';
import {
  EMULATOR_TENANT_ID,
  EMULATOR_TEST_USER,
  startEmulator,
} from '../../../src/emulator/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import {
  MSAL_SCOPES,
  PUBLIC_CLIENT_ID,
  WEB_CLIENT_ID,
  WEB_SECRET,
  decodeClientInfo,
  verifyToken,
} from '../support/flowHelpers.js';
import { json, postForm, tokenPath } from '../support/helpers.js';

const OTHER_TENANT = '7e7e7e7e-0000-4000-8000-00000000007e';
const MFA_USER = { username: 'mfa@contoso.test', password: 'mfa-password~1', requiresMfa: true };
const FAR_USER = {
  username: 'far@fabrikam.test',
  password: 'far-password~2',
  tenantId: OTHER_TENANT,
};

describe('password grant (ROPC)', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({
      apps: [
        { clientId: PUBLIC_CLIENT_ID, publicClient: true },
        { clientId: WEB_CLIENT_ID, clientSecret: WEB_SECRET },
      ],
      users: [MFA_USER, FAR_USER],
    });
  });
  afterAll(() => emulator.stop());

  const grant = (form: Record<string, string>, tenant = EMULATOR_TENANT_ID) =>
    postForm(emulator, tokenPath(tenant), {
      grant_type: 'password',
      client_id: PUBLIC_CLIENT_ID,
      username: EMULATOR_TEST_USER.username,
      password: EMULATOR_TEST_USER.password,
      scope: MSAL_SCOPES,
      client_info: '1',
      ...form,
    });

  it('gives a registered user access, refresh and id tokens, as Entra answers MSAL', async () => {
    emulator.counters.reset();
    const result = await grant({});
    expect(result.status).toBe(200);
    const body = json(result);
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
    const claims = await verifyToken(emulator, body['access_token'] as string, Date.now());
    expect(claims).toMatchObject({
      aud: 'https://storage.azure.com',
      upn: EMULATOR_TEST_USER.username,
      tid: EMULATOR_TENANT_ID,
      appid: PUBLIC_CLIENT_ID,
      appidacr: '0',
    });
    expect(decodeJwt(body['id_token'] as string)).toMatchObject({
      preferred_username: EMULATOR_TEST_USER.username,
    });
    expect(decodeClientInfo(body['client_info'])).toMatchObject({ utid: EMULATOR_TENANT_ID });
    expect(emulator.counters.get('token:password')).toBe(1);
  });

  it('never records the password', async () => {
    await grant({});
    const recorded = emulator.requests.filter((r) => r.form['grant_type'] === 'password');
    expect(recorded.length).toBeGreaterThan(0);
    for (const request of recorded) {
      expect(JSON.stringify(request)).not.toContain(EMULATOR_TEST_USER.password);
    }
  });

  it('refuses a wrong password and an unknown user alike: AADSTS50126 invalid_grant', async () => {
    const forms: Record<string, string>[] = [
      { password: 'wrong-password' },
      { username: 'nobody@contoso.test' },
    ];
    for (const form of forms) {
      const result = await grant(form);
      expect(result.status).toBe(400);
      expect(json(result)).toMatchObject({ error: 'invalid_grant', error_codes: [50126] });
      expect(result.text).toContain(
        'Error validating credentials due to invalid username or password.',
      );
      expect(result.text).not.toContain('wrong-password');
    }
  });

  it('refuses a user of another tenant on this tenant, serves them on organizations', async () => {
    const here = await grant({ username: FAR_USER.username, password: FAR_USER.password });
    expect(json(here)).toMatchObject({ error_codes: [50126] });
    const anywhere = await grant(
      { username: FAR_USER.username, password: FAR_USER.password },
      'organizations',
    );
    expect(anywhere.status).toBe(200);
    expect(decodeJwt(json(anywhere)['access_token'] as string)).toMatchObject({
      tid: OTHER_TENANT,
    });
  });

  it('refuses a user under MFA with AADSTS50076 and suberror basic_action', async () => {
    const result = await grant({ username: MFA_USER.username, password: MFA_USER.password });
    expect(result.status).toBe(400);
    expect(json(result)).toMatchObject({
      error: 'invalid_grant',
      error_codes: [50076],
      suberror: 'basic_action',
    });
    expect(result.text).toContain(
      "multi-factor authentication to access 'https://storage.azure.com'",
    );
  });

  it('requires username, password and scope', async () => {
    for (const name of ['username', 'password', 'scope']) {
      const result = await grant({ [name]: '' });
      const body = json(result);
      expect(body).toMatchObject({ error: 'invalid_request', error_codes: [900144] });
      expect(body['error_description']).toContain(`'${name}'`);
    }
  });

  it('authenticates a confidential client by its secret', async () => {
    const ok = await grant({ client_id: WEB_CLIENT_ID, client_secret: WEB_SECRET });
    expect(ok.status).toBe(200);
    expect(decodeJwt(json(ok)['access_token'] as string)).toMatchObject({ appidacr: '1' });
    const bad = await grant({ client_id: WEB_CLIENT_ID, client_secret: 'not-the-secret' });
    expect(json(bad)).toMatchObject({ error: 'invalid_client' });
    const none = await grant({ client_id: WEB_CLIENT_ID });
    expect(none.status).toBe(401);
  });
});
