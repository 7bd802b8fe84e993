import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArcChallenge } from '../../../src/credentials/managedIdentity/azureArcChallenge.js';
import { parseMiResponse } from '../../../src/credentials/managedIdentity/miResponse.js';
import {
  HOST_RETRY,
  IMDS_RETRY,
  miRetryDelay,
} from '../../../src/credentials/managedIdentity/retryPolicy.js';
import { detectSource, scopeToResource } from '../../../src/credentials/managedIdentity/sources.js';
import {
  FederatedTokenFile,
  FEDERATED_TOKEN_MAX_AGE_MS,
} from '../../../src/credentials/federated/federatedTokenFile.js';

const NOW = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const ok = (body: unknown) => ({ status: 200, headers: {}, text: JSON.stringify(body) });

describe('parseMiResponse', () => {
  it.each([
    ['epoch seconds as a number', { expires_on: NOW / 1000 + 3600 }],
    ['epoch seconds as a string', { expires_on: String(NOW / 1000 + 3600) }],
    ['a date string', { expires_on: new Date(NOW + HOUR).toUTCString() }],
    ['an ISO date', { expires_on: new Date(NOW + HOUR).toISOString() }],
    ['expires_in only', { expires_in: '3600' }],
  ])('reads the expiry from %s', (_name, fields) => {
    const token = parseMiResponse(ok({ access_token: 'tok', ...fields }), NOW, 'IMDS');
    expect(token.expiresOnTimestamp).toBe(NOW + HOUR);
    expect(token.refreshAfterTimestamp).toBeUndefined();
  });

  it('refreshes a 24-hour token at about 12 hours', () => {
    const token = parseMiResponse(ok({ access_token: 'tok', expires_in: 86400 }), NOW, 'IMDS');
    expect(token.refreshAfterTimestamp).toBe(NOW + 12 * HOUR);
  });

  it.each([
    ['not JSON', { status: 200, headers: {}, text: '<html>' }, 'ERR_INVALID_RESPONSE'],
    ['no access_token', ok({ expires_in: 10 }), 'ERR_INVALID_RESPONSE'],
    ['no expiry', ok({ access_token: 'tok' }), 'ERR_INVALID_RESPONSE'],
    [
      'an expiry in the past',
      ok({ access_token: 'tok', expires_on: NOW / 1000 - 60 }),
      'ERR_INVALID_RESPONSE',
    ],
    ['a lifetime of 0 s', ok({ access_token: 'tok', expires_in: 0 }), 'ERR_INVALID_RESPONSE'],
    [
      'an expiry beyond any date',
      ok({ access_token: 'tok', expires_on: 1e300 }),
      'ERR_INVALID_RESPONSE',
    ],
    [
      'a refresh_in of 0',
      ok({ access_token: 'tok', expires_in: 3600, refresh_in: 0 }),
      'ERR_INVALID_RESPONSE',
    ],
    [
      'an unparseable refresh_in',
      ok({ access_token: 'tok', expires_in: 3600, refresh_in: 'soon' }),
      'ERR_INVALID_RESPONSE',
    ],
    [
      'an error status',
      {
        status: 400,
        headers: {},
        text: '{"error":"invalid_request","error_description":"Identity not found"}',
      },
      'ERR_AUTHENTICATION_FAILED',
    ],
  ])('gives a typed error for %s', (_name, response, code) => {
    expect(() => parseMiResponse(response, NOW, 'IMDS')).toThrow(expect.objectContaining({ code }));
  });

  it('keeps the status and an excerpt, never a token, in an error', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const error = (() => {
      try {
        return parseMiResponse(
          { status: 500, headers: { 'retry-after': '3' }, text: `oops ${jwt}` },
          NOW,
          'IMDS',
        );
      } catch (e) {
        return e as Error & { statusCode: number; retryAfterMs: number };
      }
    })() as Error & { statusCode: number; retryAfterMs: number };
    expect(error.statusCode).toBe(500);
    expect(error.retryAfterMs).toBe(3000);
    expect(error.message).not.toContain(jwt);
  });

  it.each([
    ['the identity header, echoed', 'bad header Ih-3f9a2c71b8', ['Ih-3f9a2c71b8'], 'Ih-3f9a2c71b8'],
    ['an opaque token, cut short', '{"access_token":"opaque-5e1d9b7a', [], 'opaque-5e1d9b7a'],
    [
      'a token, echoed in the description',
      '{"access_token":"opaque-77c2","message":"opaque-77c2 expired"}',
      [],
      'opaque-77c2',
    ],
  ])('never repeats %s', (_name, text, secrets, secret) => {
    for (const status of [200, 500]) {
      const error = (() => {
        try {
          return parseMiResponse({ status, headers: {}, text }, NOW, 'IMDS', secrets);
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error).toBeInstanceOf(Error);
      expect(String(error)).not.toContain(secret);
    }
  });
});

describe('miRetryDelay', () => {
  it('doubles from 800 ms for IMDS and stays within [d/2, d]', () => {
    expect([0, 1, 2, 3, 4].map((n) => miRetryDelay(IMDS_RETRY, n, 503, () => 1))).toEqual([
      800, 1600, 3200, 6400, 12800,
    ]);
    expect(miRetryDelay(IMDS_RETRY, 0, 503, () => 0)).toBe(400);
  });

  it('waits at least 70 s in all over five retries after IMDS answers 410, even with the shortest jitter', () => {
    const total = [0, 1, 2, 3, 4].reduce(
      (sum, n) => sum + miRetryDelay(IMDS_RETRY, n, 410, () => 0),
      0,
    );
    expect(total).toBeGreaterThanOrEqual(70_000);
  });

  it('honours Retry-After and caps other hosts at 4 s', () => {
    expect(miRetryDelay(HOST_RETRY, 0, 429, () => 1, 9_000)).toBe(9_000);
    expect(miRetryDelay(HOST_RETRY, 5, 503, () => 1)).toBe(4_000);
  });

  it.each([[404], [410], [429], [500], [503]])('retries IMDS %d', (status) =>
    expect(IMDS_RETRY.retries(status)).toBe(true),
  );
  it.each([[400], [401], [403]])('does not retry IMDS %d', (status) =>
    expect(IMDS_RETRY.retries(status)).toBe(false),
  );
});

describe('detectSource', () => {
  const request = (
    env: Record<string, string>,
    id?: { clientId: string } | { objectId: string } | { resourceId: string },
  ) => detectSource(env).request('https://vault.azure.net', id);

  it.each([
    [
      'ServiceFabric',
      {
        IDENTITY_ENDPOINT: 'https://127.0.0.1:2377/t',
        IDENTITY_HEADER: 'h',
        IDENTITY_SERVER_THUMBPRINT: 'AB',
      },
    ],
    ['AppService', { IDENTITY_ENDPOINT: 'http://127.0.0.1:8081/msi/token', IDENTITY_HEADER: 'h' }],
    ['MachineLearning', { MSI_ENDPOINT: 'http://127.0.0.1:1/ml', MSI_SECRET: 's' }],
    ['CloudShell', { MSI_ENDPOINT: 'http://127.0.0.1:1/cs' }],
    [
      'AzureArc',
      { IDENTITY_ENDPOINT: 'http://127.0.0.1:40342/x', IMDS_ENDPOINT: 'http://127.0.0.1:40342' },
    ],
    ['Imds', {}],
  ])('picks %s from the environment', (name, env) => {
    expect(detectSource(env).name).toBe(name);
  });

  it.each([
    [{}, 'http://169.254.169.254', true],
    [{ REACTIVE_IDENTITY_IMDS_HOST: 'http://127.0.0.1:9/' }, 'http://127.0.0.1:9', true],
    [{ AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:8' }, 'http://127.0.0.1:8', false],
    [
      { AZURE_POD_IDENTITY_AUTHORITY_HOST: '', REACTIVE_IDENTITY_IMDS_HOST: 'http://127.0.0.1:9' },
      'http://127.0.0.1:9',
      true,
    ],
  ])('finds IMDS for %j at %s (probed: %s)', (env, host, probe) => {
    expect(detectSource(env)).toMatchObject({
      name: 'Imds',
      endpoint: `${host}/metadata/identity/oauth2/token`,
      probe,
    });
  });

  it('sends each source its headers, method and api-version', () => {
    const sf = request({
      IDENTITY_ENDPOINT: 'https://127.0.0.1:2377/t',
      IDENTITY_HEADER: 'sf',
      IDENTITY_SERVER_THUMBPRINT: 'AB',
    });
    expect(sf).toMatchObject({ method: 'GET', headers: { secret: 'sf' }, pinnedThumbprint: 'AB' });
    expect(new URL(sf.url).searchParams.get('api-version')).toBe('2019-07-01-preview');
    const app = request({
      IDENTITY_ENDPOINT: 'http://127.0.0.1:8081/msi/token',
      IDENTITY_HEADER: 'as',
    });
    expect(app).toMatchObject({ headers: { 'X-IDENTITY-HEADER': 'as' } });
    expect(new URL(app.url).searchParams.get('api-version')).toBe('2019-08-01');
    const shell = request({ MSI_ENDPOINT: 'http://127.0.0.1:1/cs' });
    expect(shell).toMatchObject({
      method: 'POST',
      headers: { Metadata: 'true' },
      body: 'resource=https%3A%2F%2Fvault.azure.net',
    });
    const imds = request({ AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:9' });
    expect(imds.url).toBe(
      'http://127.0.0.1:9/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net',
    );
    expect(imds.headers).toEqual({ Metadata: 'true' });
  });

  it.each([
    [{ clientId: 'c' }, 'client_id', 'client_id'],
    [{ objectId: 'o' }, 'object_id', 'object_id'],
    [{ resourceId: 'r' }, 'msi_res_id', 'mi_res_id'],
  ])('names the user-assigned id %j per source', (id, imdsName, appServiceName) => {
    const value = Object.values(id)[0]!;
    expect(new URL(request({}, id).url).searchParams.get(imdsName)).toBe(value);
    const app = request(
      { IDENTITY_ENDPOINT: 'http://127.0.0.1:8081/msi/token', IDENTITY_HEADER: 'h' },
      id,
    );
    expect(new URL(app.url).searchParams.get(appServiceName)).toBe(value);
  });

  it.each([
    [
      'ServiceFabric',
      {
        IDENTITY_ENDPOINT: 'https://127.0.0.1:2377/t',
        IDENTITY_HEADER: 'h',
        IDENTITY_SERVER_THUMBPRINT: 'AB',
      },
      { clientId: 'c' },
    ],
    ['CloudShell', { MSI_ENDPOINT: 'http://127.0.0.1:1/cs' }, { clientId: 'c' }],
    [
      'AzureArc',
      { IDENTITY_ENDPOINT: 'http://127.0.0.1:40342/x', IMDS_ENDPOINT: 'http://127.0.0.1:40342' },
      { clientId: 'c' },
    ],
    [
      'MachineLearning',
      { MSI_ENDPOINT: 'http://127.0.0.1:1/ml', MSI_SECRET: 's' },
      { objectId: 'o' },
    ],
  ])('refuses a user-assigned id %s does not support, with a clear error', (_name, env, id) => {
    expect(() => request(env, id)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARGUMENT',
        message: expect.stringContaining('does not support'),
      }),
    );
  });

  it('takes exactly one scope; several make it unavailable, as in the anchor', () => {
    expect(scopeToResource(['https://management.azure.com/.default'])).toBe(
      'https://management.azure.com',
    );
    expect(() => scopeToResource(['a', 'b'])).toThrow(
      expect.objectContaining({
        code: 'ERR_CREDENTIAL_UNAVAILABLE',
        message: 'ManagedIdentityCredential: Multiple scopes are not supported. Scopes: ["a","b"]',
      }),
    );
  });
});

describe('readArcChallenge', () => {
  let dir: string;
  let elsewhere: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ri-arc-'));
    elsewhere = mkdtempSync(join(tmpdir(), 'ri-arc-other-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });
  const challenge = (path: string) => ({
    status: 401,
    headers: { 'www-authenticate': `Basic realm=${path}` },
    text: '',
  });

  it('reads a .key file in the agent directory', async () => {
    writeFileSync(join(dir, 'a.key'), 'secret-key\n');
    await expect(readArcChallenge(challenge(join(dir, 'a.key')), dir)).resolves.toBe('secret-key');
  });

  it.each([
    [
      'a file outside the directory',
      () => (writeFileSync(join(elsewhere, 'b.key'), 'x'), join(elsewhere, 'b.key')),
      /outside/,
    ],
    ['a path that climbs out', () => join(dir, '..', 'c.key'), /outside/],
    [
      'a file without .key',
      () => (writeFileSync(join(dir, 'd.txt'), 'x'), join(dir, 'd.txt')),
      /\.key/,
    ],
    [
      'a file over 4096 bytes',
      () => (writeFileSync(join(dir, 'e.key'), 'x'.repeat(4097)), join(dir, 'e.key')),
      /4096/,
    ],
  ])('refuses %s', async (_name, make, message) => {
    const error = (await readArcChallenge(challenge(make()), dir).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toMatch(message);
  });

  it('refuses a 401 without a Basic realm', async () => {
    await expect(
      readArcChallenge({ status: 401, headers: {}, text: '' }, dir),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_RESPONSE' });
  });
});

describe('FederatedTokenFile', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ri-fed-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads again when the file changes, and at least every five minutes', async () => {
    const path = join(dir, 'token');
    writeFileSync(path, 'first\n');
    let now = NOW;
    const file = new FederatedTokenFile(path, () => now);
    expect(await file.read()).toBe('first');
    writeFileSync(path, 'second');
    const later = new Date(statSync(path).mtimeMs + 5_000);
    utimesSync(path, later, later);
    expect(await file.read()).toBe('second');
    // Same modification time: served from memory until five minutes have passed.
    const mtime = statSync(path).mtime;
    writeFileSync(path, 'third');
    utimesSync(path, mtime, mtime);
    expect(await file.read()).toBe('second');
    now += FEDERATED_TOKEN_MAX_AGE_MS;
    expect(await file.read()).toBe('third');
  });

  it.each([
    ['a missing file', 'missing'],
    ['an empty file', 'empty'],
  ])('gives CredentialUnavailableError naming the path for %s', async (_name, name) => {
    if (name === 'empty') writeFileSync(join(dir, name), '  \n');
    const error = (await new FederatedTokenFile(join(dir, name), () => NOW)
      .read()
      .catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'ERR_CREDENTIAL_UNAVAILABLE' });
    expect(error.message).toContain(join(dir, name));
  });
});
