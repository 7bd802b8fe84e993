import {
  AuthenticationError,
  ClientSecretCredential,
  ManagedIdentityCredential,
  NetworkError,
} from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { freePort } from '../support/freePort.js';
import { TokenManagers } from '../support/tokenManagers.js';
import { until } from '../support/until.js';
import { VirtualClock } from '../support/virtualClock.js';

/**
 * A failure reaches the caller as what it is: the authority's status and error code after the
 * retries (never AuthenticationRequiredError), NetworkError when nothing answers; Retry-After is
 * honoured, and nothing is remembered past it: once the authority recovers, the next call works.
 */
const CLIENT_ID = '6f6f6f6f-0000-4000-8000-00000000006f';
const SECRET = 'failure-surfaces-secret';
const STORAGE = 'https://storage.azure.com/.default';
const VAULT = 'https://vault.azure.net/.default';

let em: Emulator;
const managers = new TokenManagers({ retryInitialDelayMs: 1, retryMaxDelayMs: 4 });

beforeAll(async () => {
  em = await startEmulator({ apps: [{ clientId: CLIENT_ID, clientSecret: SECRET }] });
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
});
afterEach(() => em.faults.clear());

function secretCredential(tokenManager = managers.create(), authorityHost = em.url) {
  return new ClientSecretCredential(em.tenantId, CLIENT_ID, SECRET, {
    authorityHost,
    tlsOptions: { ca: em.ca },
    tokenManager,
    env: {},
  });
}

describe('ClientSecretCredential during an outage', () => {
  it.each([
    [503, 'temporarily_unavailable'],
    [500, 'server_error'],
    [429, undefined],
  ])(
    'gives AuthenticationError %d with the authority error after the retries',
    async (status, code) => {
      em.faults.add({ route: 'token', status });
      const before = em.counters.get('token');
      const error = await secretCredential()
        .getToken(STORAGE)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({ name: 'AuthenticationError', statusCode: status });
      if (code !== undefined) expect((error as AuthenticationError).errorResponse.error).toBe(code);
      expect((error as Error).name).not.toBe('AuthenticationRequiredError');
      // The first attempt and the engine's three retries.
      expect(em.counters.get('token') - before).toBe(4);
    },
  );

  it('gives NetworkError when nothing answers', async () => {
    const port = await freePort();
    const error = await secretCredential(managers.create(), `https://127.0.0.1:${port}`)
      .getToken(STORAGE)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'ERR_NETWORK' });
  });

  it('succeeds on the very next call once the authority has recovered: no failure is remembered', async () => {
    const credential = secretCredential();
    em.faults.add({ route: 'token', status: 503, retryAfterSeconds: 1 });
    await expect(credential.getToken(STORAGE)).rejects.toMatchObject({ statusCode: 503 });
    em.faults.clear();
    const before = em.counters.get('token');
    await expect(credential.getToken(STORAGE)).resolves.toMatchObject({
      token: expect.stringMatching(/^eyJ/),
    });
    expect(em.counters.get('token') - before).toBe(1);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const clock = new VirtualClock(Date.now());
    const credential = secretCredential(
      managers.create({ scheduler: clock, retryMaxDelayMs: 30_000 }),
    );
    const before = em.counters.get('token');
    em.faults.add({
      route: 'token',
      status: 429,
      retryAfterSeconds: 20,
      retryAfterStyle: 'http-date',
      times: 1,
    });
    const call = credential.getToken(STORAGE);
    await until(() => em.counters.get('token') - before === 1 && clock.pending > 0);
    await clock.advance(15_000);
    expect(em.counters.get('token') - before).toBe(1);
    await clock.advance(10_000);
    await until(() => em.counters.get('token') - before === 2);
    await expect(call).resolves.toMatchObject({ token: expect.stringMatching(/^eyJ/) });
  });
});

describe('ManagedIdentityCredential during an outage', () => {
  it('gives AuthenticationError 503 from App Service after its retries, then the next call works', async () => {
    const credential = new ManagedIdentityCredential({
      env: em.managedIdentity.env('appService'),
      tokenManager: managers.create(),
    });
    em.faults.add({ route: 'appService', status: 503 });
    const error = await credential.getToken(VAULT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ statusCode: 503 });
    em.faults.clear();
    await expect(credential.getToken(VAULT)).resolves.toMatchObject({
      token: expect.stringMatching(/^eyJ/),
    });
  });
});
