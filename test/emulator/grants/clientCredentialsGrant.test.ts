import { createHash } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import type { JWTPayload } from 'jose';
import { EMULATOR_TENANT_ID, startEmulator } from '../../../src/emulator/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  clientCredentialsForm,
  json,
  postForm,
  tokenPath,
} from '../support/helpers.js';
import { verifyToken } from '../../support/verifyToken.js';

const NOW_MS = Date.UTC(2030, 0, 2, 3, 4, 5);
const NOW = NOW_MS / 1000;
const CAE_CLAIMS = JSON.stringify({ access_token: { xms_cc: { values: ['cp1'] } } });

describe('client credentials grant', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({
      apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
      now: () => NOW_MS,
    });
  });
  afterAll(() => emulator.stop());
  afterEach(() => emulator.setTokenLifetime(3600));

  async function requestToken(
    form: Record<string, string> = clientCredentialsForm(),
    headers: Record<string, string> = {},
  ): Promise<Record<string, unknown>> {
    const result = await postForm(emulator, tokenPath(), form, headers);
    expect(result.status).toBe(200);
    return json(result);
  }

  const verify = (token: unknown): Promise<JWTPayload> => verifyToken(emulator, token, NOW_MS);

  it('issues a v1 storage token that verifies against the JWKS', async () => {
    const body = await requestToken();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600 });
    expect(body).not.toHaveProperty('refresh_in');
    const header = decodeProtectedHeader(String(body['access_token']));
    const [key] = emulator.jwks.keys as Array<{ kid: string }>;
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: key?.kid });
    const claims = await verify(body['access_token']);
    expect(claims).toMatchObject({
      aud: 'https://storage.azure.com',
      iss: `https://sts.windows.net/${EMULATOR_TENANT_ID}/`,
      ver: '1.0',
      appid: CLIENT_ID,
      appidacr: '1',
      tid: EMULATOR_TENANT_ID,
      idtyp: 'app',
      iat: NOW,
      nbf: NOW,
      exp: NOW + 3600,
    });
    expect(claims).not.toHaveProperty('xms_cc');
    expect(typeof claims['uti']).toBe('string');
    expect(typeof claims['rh']).toBe('string');
  });

  it('derives a stable oid and sub from the client id', async () => {
    const first = await verify((await requestToken())['access_token']);
    const second = await verify((await requestToken())['access_token']);
    const hash = createHash('sha256').update(CLIENT_ID).digest('hex');
    expect(first['oid']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(String(first['oid']).slice(0, 8)).toBe(hash.slice(0, 8));
    expect(first['sub']).toBe(first['oid']);
    expect(second['oid']).toBe(first['oid']);
    expect(second['uti']).not.toBe(first['uti']);
  });

  it.each([
    [
      'an app id',
      'a1b2c3d4-0000-4000-8000-00000000beef/.default',
      'a1b2c3d4-0000-4000-8000-00000000beef',
    ],
    ['an api:// URI', 'api://my-api/.default', 'api://my-api'],
  ])('issues a v2 token for %s', async (_name, scope, audience) => {
    const claims = await verify(
      (await requestToken(clientCredentialsForm({ scope })))['access_token'],
    );
    expect(claims).toMatchObject({
      aud: audience,
      iss: `${emulator.url}/${EMULATOR_TENANT_ID}/v2.0`,
      ver: '2.0',
      azp: CLIENT_ID,
    });
    expect(claims).not.toHaveProperty('appid');
  });

  it('ignores openid, profile and offline_access beside the resource scope', async () => {
    const scope = `openid https://graph.microsoft.com//.default profile offline_access`;
    const claims = await verify(
      (await requestToken(clientCredentialsForm({ scope })))['access_token'],
    );
    expect(claims['aud']).toBe('https://graph.microsoft.com');
  });

  it('accepts client credentials in an HTTP Basic header', async () => {
    const form = clientCredentialsForm();
    delete form['client_id'];
    delete form['client_secret'];
    const basic = Buffer.from(`${CLIENT_ID}:${encodeURIComponent(CLIENT_SECRET)}`).toString(
      'base64',
    );
    const body = await requestToken(form, { Authorization: `Basic ${basic}` });
    expect(typeof body['access_token']).toBe('string');
  });

  it('echoes client-request-id', async () => {
    const result = await postForm(emulator, tokenPath(), clientCredentialsForm(), {
      'client-request-id': 'c0ffee00-1111-4222-8333-444455556666',
    });
    expect(result.headers['client-request-id']).toBe('c0ffee00-1111-4222-8333-444455556666');
    expect(result.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('adds refresh_in, half the lifetime, to tokens living 2 hours or more', async () => {
    emulator.setTokenLifetime(3 * 3600);
    const body = await requestToken();
    expect(body).toMatchObject({ expires_in: 10800, ext_expires_in: 10800, refresh_in: 5400 });
    expect((await verify(body['access_token']))['exp']).toBe(NOW + 10800);
  });

  it('issues a long-lived CAE token carrying xms_cc when the claims ask for cp1', async () => {
    const body = await requestToken(clientCredentialsForm({ claims: CAE_CLAIMS }));
    expect(body).toMatchObject({ expires_in: 86400, refresh_in: 43200 });
    const claims = await verify(body['access_token']);
    expect(claims['xms_cc']).toEqual(['cp1']);
    expect(claims['exp']).toBe(NOW + 86400);
  });

  it('issues an ordinary token when the claims do not ask for cp1', async () => {
    const claims = JSON.stringify({ access_token: { nbf: { essential: true, value: '1' } } });
    const body = await requestToken(clientCredentialsForm({ claims }));
    expect(body['expires_in']).toBe(3600);
    expect(await verify(body['access_token'])).not.toHaveProperty('xms_cc');
  });
});
