import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { AccessToken } from '@azure/core-auth';
import {
  AuthenticationError,
  CredentialUnavailableError,
  ManagedIdentityCredential,
} from '../../../src/index.js';
import {
  EMULATOR_SYSTEM_ASSIGNED_IDENTITY,
  EMULATOR_USER_ASSIGNED_IDENTITIES,
  startEmulator,
  type Emulator,
  type ManagedIdentitySource,
} from '../../../src/emulator/index.js';
import { freePort } from '../../support/freePort.js';
import { teardownAfterEach } from '../../support/teardown.js';
import { TokenManagers } from '../../support/tokenManagers.js';
import { until } from '../../support/until.js';
import { VirtualClock } from '../../support/virtualClock.js';

const VAULT = 'https://vault.azure.net/.default';
const HOUR = 3_600_000;
const USER = EMULATOR_USER_ASSIGNED_IDENTITIES[0]!;
let em: Emulator;
let arcDir: string;
const managers = new TokenManagers();

beforeAll(async () => {
  arcDir = mkdtempSync(join(tmpdir(), 'ri-arc-keys-'));
  em = await startEmulator({ managedIdentity: { arcKeyDirectory: arcDir } });
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
  rmSync(arcDir, { recursive: true, force: true });
});
afterEach(() => em.faults.clear());
const teardown = teardownAfterEach();

function credential(
  source: ManagedIdentitySource,
  options: Record<string, unknown> = {},
  tokenManager = managers.create(),
) {
  return new ManagedIdentityCredential({
    env: em.managedIdentity.env(source),
    arcKeyDirectory: arcDir,
    tokenManager,
    ...options,
  });
}

const lastRequest = (route: string) => em.requests.filter((r) => r.route === route).at(-1)!;

describe('ManagedIdentityCredential on each host', () => {
  it.each([
    [
      'imds',
      'imds',
      'GET',
      '/metadata/identity/oauth2/token',
      { 'api-version': '2018-02-01' },
      { metadata: 'true' },
    ],
    [
      'appService',
      'appService',
      'GET',
      '/msi/token',
      { 'api-version': '2019-08-01' },
      { 'x-identity-header': expect.any(String) },
    ],
    [
      'serviceFabric',
      'serviceFabric',
      'GET',
      '/metadata/identity/oauth2/token',
      { 'api-version': '2019-07-01-preview' },
      { secret: expect.any(String) },
    ],
    [
      'machineLearning',
      'machineLearning',
      'GET',
      '/MSI/auth',
      { 'api-version': '2017-09-01' },
      { metadata: 'true', secret: expect.any(String) },
    ],
    ['cloudShell', 'cloudShell', 'POST', '/cloudshell/oauth2/token', {}, { metadata: 'true' }],
    [
      'arc',
      'arc',
      'GET',
      '/arc/metadata/identity/oauth2/token',
      { 'api-version': '2020-06-01' },
      { metadata: 'true', authorization: expect.stringMatching(/^Basic /) },
    ],
  ] as const)(
    '%s: sends what the host expects and returns its token',
    async (source, route, method, path, query, headers) => {
      const token = await credential(source).getToken(VAULT);
      const request = lastRequest(route);
      expect(request).toMatchObject({
        method,
        path,
        query: expect.objectContaining(query),
        headers: expect.objectContaining(headers),
      });
      if (method === 'GET') expect(request.query.resource).toBe('https://vault.azure.net');
      else expect(request.form.resource).toBe('https://vault.azure.net');
      expect(decodeJwt(token.token)).toMatchObject({
        aud: 'https://vault.azure.net',
        oid: EMULATOR_SYSTEM_ASSIGNED_IDENTITY.objectId,
      });
      // A 24-hour managed identity token refreshes at about 12 hours.
      expect(token.refreshAfterTimestamp! - Date.now()).toBeGreaterThan(11 * HOUR);
      expect(token.refreshAfterTimestamp! - Date.now()).toBeLessThan(13 * HOUR);
    },
  );

  it.each([
    ['clientId', 'client_id', USER.clientId],
    ['objectId', 'object_id', USER.objectId],
    ['resourceId', 'msi_res_id', USER.resourceId],
  ])('IMDS: a user-assigned identity by %s travels as %s', async (option, parameter, value) => {
    const token = await credential('imds', { [option]: value }).getToken(VAULT);
    expect(lastRequest('imds').query[parameter]).toBe(value);
    expect(decodeJwt(token.token)).toMatchObject({ appid: USER.clientId, oid: USER.objectId });
  });

  it.each([
    ['clientId', 'client_id', USER.clientId],
    ['objectId', 'object_id', USER.objectId],
    ['resourceId', 'mi_res_id', USER.resourceId],
  ])(
    'App Service: a user-assigned identity by %s travels as %s',
    async (option, parameter, value) => {
      const token = await credential('appService', { [option]: value }).getToken(VAULT);
      expect(lastRequest('appService').query[parameter]).toBe(value);
      expect(decodeJwt(token.token)).toMatchObject({ oid: USER.objectId });
    },
  );

  it('takes the client id as the first constructor argument, as the anchor does', async () => {
    const cred = new ManagedIdentityCredential(USER.clientId, {
      env: em.managedIdentity.env('imds'),
      tokenManager: managers.create(),
    });
    expect(decodeJwt((await cred.getToken(VAULT)).token)).toMatchObject({ appid: USER.clientId });
  });

  it('refuses two identity selectors at construction', () => {
    expect(() => new ManagedIdentityCredential({ clientId: 'a', resourceId: 'b' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });

  it('gives AuthenticationError with the status for an identity the host does not have', async () => {
    const error = await credential('imds', { clientId: '00000000-0000-4000-8000-000000000bad' })
      .getToken(VAULT)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).statusCode).toBe(400);
    expect((error as Error).message).toContain('Identity not found');
  });

  it('refuses a Service Fabric endpoint whose certificate does not match the thumbprint, before sending the secret', async () => {
    const env = {
      ...em.managedIdentity.env('serviceFabric'),
      IDENTITY_SERVER_THUMBPRINT: 'AA'.repeat(20),
    };
    const before = em.counters.get('serviceFabric');
    const error = await new ManagedIdentityCredential({ env, tokenManager: managers.create() })
      .getToken(VAULT)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_NETWORK' });
    expect(em.counters.get('serviceFabric')).toBe(before);
  });

  it('refuses an Arc challenge that points outside the key directory', async () => {
    em.managedIdentity.arcRealmOverride('/etc/passwd');
    const error = await credential('arc')
      .getToken(VAULT)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_INVALID_RESPONSE',
      message: expect.stringContaining('outside'),
    });
  });

  it.each(['epoch-number', 'epoch-string', 'date-string', 'iso', 'expires-in-only'] as const)(
    'reads expires_on styled as %s',
    async (style) => {
      em.managedIdentity.setExpiresOnStyle('appService', style);
      teardown.defer(() => em.managedIdentity.setExpiresOnStyle('appService', 'epoch-string'));
      const token = await credential('appService').getToken(VAULT);
      expect(Math.abs(token.expiresOnTimestamp - (Date.now() + 24 * HOUR))).toBeLessThan(
        5 * 60_000,
      );
    },
  );

  it('is unavailable when nothing listens, and the probe says so at once', async () => {
    const closed = await freePort();
    const cred = new ManagedIdentityCredential({
      env: { REACTIVE_IDENTITY_IMDS_HOST: `http://127.0.0.1:${closed}` },
      probeImds: { timeoutMs: 500 },
      tokenManager: managers.create(),
    });
    const error = await cred.getToken(VAULT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialUnavailableError);
    expect((error as Error).message).toContain('the probe got no answer (ECONNREFUSED)');
  });

  it("is unavailable on Docker Desktop's 403 'unreachable' answer", async () => {
    em.faults.add({ route: 'imds', status: 403 });
    await expect(credential('imds').getToken(VAULT)).rejects.toBeInstanceOf(
      CredentialUnavailableError,
    );
  });
});

describe('ManagedIdentityCredential retries on IMDS, on virtual time', () => {
  async function schedule(status: number, times: number, retryAfterSeconds?: number) {
    const clock = new VirtualClock(Date.now());
    const cred = credential('imds', {}, managers.create({ scheduler: clock, random: () => 1 }));
    em.faults.add({ route: 'imds', status, times, retryAfterSeconds });
    const before = em.counters.get('imds');
    const seen = (): number => em.counters.get('imds') - before;
    const result: { token?: AccessToken; error?: unknown } = {};
    void cred.getToken(VAULT).then(
      (token) => (result.token = token),
      (error: unknown) => (result.error = error),
    );
    return { clock, seen, result };
  }

  it.each([[404], [429], [500], [503]])(
    'retries %d at 0.8, 1.6, 3.2 s and then succeeds',
    async (status) => {
      const { clock, seen, result } = await schedule(status, 3);
      await until(() => seen() === 1, 'the first request');
      for (const [delay, expected] of [
        [800, 2],
        [1600, 3],
        [3200, 4],
      ] as const) {
        await clock.advance(delay - 1);
        expect(seen()).toBe(expected - 1);
        await clock.advance(1);
        await until(() => seen() === expected, `request ${expected}`);
      }
      await until(() => result.token !== undefined, 'the token');
    },
  );

  it('waits 6 s first after a 410 (IMDS restarting)', async () => {
    const { clock, seen, result } = await schedule(410, 1);
    await until(() => seen() === 1, 'the first request');
    await clock.advance(5_999);
    expect(seen()).toBe(1);
    await clock.advance(1);
    await until(() => result.token !== undefined, 'the token');
  });

  it('honours Retry-After', async () => {
    const { clock, seen, result } = await schedule(429, 1, 30);
    await until(() => seen() === 1, 'the first request');
    await clock.advance(29_999);
    expect(seen()).toBe(1);
    await clock.advance(1);
    await until(() => result.token !== undefined, 'the token');
  });

  it('fails at once, carrying the wait, when Retry-After asks for more than IMDS_RETRY ever waits', async () => {
    const { seen, result } = await schedule(429, 1, 86_400);
    await until(() => result.error !== undefined, 'the error');
    expect(result.error).toMatchObject({
      statusCode: 429,
      retriesExhausted: true,
      retryAfterMs: 86_400_000,
    });
    expect(seen()).toBe(1);
  });

  it('gives up after five retries with the last error, which the engine does not retry again', async () => {
    const { clock, seen, result } = await schedule(503, 100);
    await until(() => seen() === 1, 'the first request');
    for (let i = 0; i < 6; i++) {
      await clock.advance(64_000);
      await until(() => seen() === Math.min(i + 2, 6) || result.error !== undefined, 'a retry');
    }
    await until(() => result.error !== undefined, 'the error');
    expect(result.error).toMatchObject({ statusCode: 503, retriesExhausted: true });
    expect(seen()).toBe(6);
  });
});
