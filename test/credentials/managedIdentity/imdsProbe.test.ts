import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { decodeJwt } from 'jose';
import {
  ChainedTokenCredential,
  CredentialUnavailableError,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenManager,
} from '../../../src/index.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { TokenManagers } from '../../support/tokenManagers.js';
import { until } from '../../support/until.js';
import { VirtualClock } from '../../support/virtualClock.js';

/**
 * The IMDS probe (DefaultAzureCredential's "is IMDS there at all?" before its first request):
 * only an answer is remembered, one caller's abort is nobody else's, and pod identity's host is
 * never probed. The probe's deadline runs on the engine's clock, here a virtual one. And several
 * scopes make the credential unavailable (not a caller's mistake), so that a chain moves on.
 */
const VAULT = 'https://vault.azure.net/.default';
const STORAGE = 'https://storage.azure.com/.default';
let em: Emulator;
const managers = new TokenManagers();

beforeAll(async () => {
  em = await startEmulator();
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
});
afterEach(() => em.faults.clear());

/** IMDS at the emulator, on a virtual machine (not pod identity): the probe applies. */
const vm = (): Record<string, string> => ({ REACTIVE_IDENTITY_IMDS_HOST: em.managedIdentity.url });

/** Requests that reached the emulator's IMDS: probes carry no query, token requests do. */
function imdsRequests() {
  const before = em.requests.length;
  const seen = () => em.requests.slice(before).filter((r) => r.route === 'imds');
  return {
    probes: () => seen().filter((r) => r.query.resource === undefined).length,
    tokens: () => seen().filter((r) => r.query.resource !== undefined).length,
  };
}

function probed(env: Record<string, string>, tokenManager: TokenManager) {
  return new ManagedIdentityCredential({ env, probeImds: true, tokenManager });
}

/** A promise's outcome, readable while it is still pending. */
function outcome(promise: Promise<AccessToken>) {
  const result: { token?: AccessToken; error?: unknown } = {};
  void promise.then(
    (token) => (result.token = token),
    (error: unknown) => (result.error = error),
  );
  return result;
}

/** Makes the next probe hang (long past any deadline), and waits until it has been sent. */
async function hangingProbe(count: () => number, start: () => void): Promise<void> {
  em.faults.add({ route: 'imds', latencyMs: 60_000, times: 1 });
  start();
  await until(() => count() === 1, 'the probe');
}

describe('ManagedIdentityCredential IMDS probe', () => {
  it('does not remember a probe that got no answer in time: once IMDS answers, the next getToken succeeds', async () => {
    const clock = new VirtualClock(Date.now());
    const credential = probed(vm(), managers.create({ scheduler: clock }));
    const imds = imdsRequests();
    let first: ReturnType<typeof outcome> = {};
    await hangingProbe(imds.probes, () => (first = outcome(credential.getToken(VAULT))));
    await clock.advance(1_000);
    await until(() => first.error !== undefined, 'the first failure');
    expect(first.error).toBeInstanceOf(CredentialUnavailableError);
    expect((first.error as Error).message).toContain('no answer within 1000 ms');
    expect(imds.tokens()).toBe(0);

    const token = await credential.getToken(VAULT);
    expect(decodeJwt(token.token)).toMatchObject({ aud: 'https://vault.azure.net' });
    expect(imds.probes()).toBe(2);
    expect(imds.tokens()).toBe(1);
  });

  it('lets a fresh DefaultAzureCredential on the same engine recover after a slow probe', async () => {
    const clock = new VirtualClock(Date.now());
    const tokenManager = managers.create({ scheduler: clock });
    const env = { ...vm(), AZURE_TOKEN_CREDENTIALS: 'prod' };
    const imds = imdsRequests();
    let first: ReturnType<typeof outcome> = {};
    await hangingProbe(imds.probes, () => {
      first = outcome(new DefaultAzureCredential({ env, tokenManager }).getToken(VAULT));
    });
    await clock.advance(1_000);
    await until(() => first.error !== undefined, 'the first failure');
    expect(first.error).toMatchObject({ name: 'AggregateAuthenticationError' });

    const later = new DefaultAzureCredential({ env, tokenManager });
    expect(decodeJwt((await later.getToken(VAULT)).token)).toMatchObject({
      aud: 'https://vault.azure.net',
    });
    expect(imds.probes()).toBe(2);
  });

  it('does not fail for others when the caller whose acquisition started the probe aborts; that caller gets AbortError at once', async () => {
    const clock = new VirtualClock(Date.now());
    const credential = probed(vm(), managers.create({ scheduler: clock }));
    const imds = imdsRequests();
    // The probe is slow (real time, well within its virtual deadline): pending while A aborts.
    em.faults.add({ route: 'imds', latencyMs: 1_000, times: 1 });
    const abort = new AbortController();
    const a = outcome(credential.getToken(VAULT, { claims: '{}', abortSignal: abort.signal }));
    await until(() => imds.probes() === 1, 'the probe');
    abort.abort();
    await until(() => a.error !== undefined, "A's abort");
    expect(a.error).toMatchObject({ name: 'AbortError' });
    expect(imds.tokens()).toBe(0); // the probe has not been answered yet

    const b = await credential.getToken(STORAGE);
    expect(decodeJwt(b.token)).toMatchObject({ aud: 'https://storage.azure.com' });
    expect(imds.probes()).toBe(1);
  });

  it('remembers a probe that got an answer: later acquisitions do not probe again', async () => {
    const credential = probed(vm(), managers.create());
    const imds = imdsRequests();
    await credential.getToken(VAULT);
    await credential.getToken(STORAGE);
    expect(imds.probes()).toBe(1);
    expect(imds.tokens()).toBe(2);
  });

  it('shares one probe between concurrent acquisitions', async () => {
    const credential = probed(vm(), managers.create());
    const imds = imdsRequests();
    await Promise.all([credential.getToken(VAULT), credential.getToken(STORAGE)]);
    expect(imds.probes()).toBe(1);
  });

  it("is unavailable on Docker Desktop's 403 'unreachable' answer to the probe, and probes again later", async () => {
    const credential = probed(vm(), managers.create());
    const imds = imdsRequests();
    em.faults.add({ route: 'imds', status: 403, times: 1 });
    await expect(credential.getToken(VAULT)).rejects.toBeInstanceOf(CredentialUnavailableError);
    expect(imds.tokens()).toBe(0);
    await expect(credential.getToken(VAULT)).resolves.toMatchObject({ token: expect.any(String) });
    expect(imds.probes()).toBe(2);
  });
});

describe('ManagedIdentityCredential with AZURE_POD_IDENTITY_AUTHORITY_HOST', () => {
  it("does not probe pod identity's host, as the anchor assumes it is there, and asks it for the token", async () => {
    const credential = probed(em.managedIdentity.env('imds'), managers.create());
    const imds = imdsRequests();
    const token = await credential.getToken(VAULT);
    expect(decodeJwt(token.token)).toMatchObject({ aud: 'https://vault.azure.net' });
    expect(imds.probes()).toBe(0);
    expect(imds.tokens()).toBe(1);
  });

  it("is read from the credential's env; an empty one counts as unset", async () => {
    const credential = probed(
      { ...vm(), AZURE_POD_IDENTITY_AUTHORITY_HOST: '' },
      managers.create(),
    );
    const imds = imdsRequests();
    await credential.getToken(VAULT);
    expect(imds.probes()).toBe(1);
    expect(imds.tokens()).toBe(1);
  });
});

describe('ManagedIdentityCredential with several scopes', () => {
  const scopes = [VAULT, STORAGE];

  it('is unavailable, with the message of the anchor, and sends nothing', async () => {
    const credential = probed(vm(), managers.create());
    const imds = imdsRequests();
    const error = await credential.getToken(scopes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialUnavailableError);
    expect((error as Error).message).toBe(
      `ManagedIdentityCredential: Multiple scopes are not supported. Scopes: ${JSON.stringify([...scopes].sort())}`,
    );
    expect(imds.probes() + imds.tokens()).toBe(0);
  });

  it('lets a chain move on to its next link', async () => {
    const tokenManager = managers.create();
    const next: TokenCredential = {
      getToken: () =>
        Promise.resolve({ token: 'from-next', expiresOnTimestamp: Date.now() + 3_600_000 }),
    };
    const chain = new ChainedTokenCredential({ tokenManager }, probed(vm(), tokenManager), next);
    await expect(chain.getToken(scopes)).resolves.toMatchObject({ token: 'from-next' });
  });
});
