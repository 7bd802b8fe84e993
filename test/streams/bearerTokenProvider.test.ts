import { decodeJwt } from 'jose';
import {
  ClientSecretCredential,
  getBearerTokenProvider,
  InvalidArgumentError,
  InvalidResponseError,
  TokenManager,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential,
} from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';

const APP = '5b5b5b5b-0000-4000-8000-00000000005b';
const SECRET = 'bearer-provider~secret';
const COGNITIVE = 'https://cognitiveservices.azure.com/.default';

let em: Emulator;
const managers: TokenManager[] = [];

beforeAll(async () => {
  em = await startEmulator({ apps: [{ clientId: APP, clientSecret: SECRET }] });
});
afterAll(async () => {
  await Promise.all(managers.map((m) => m.close()));
  await em.stop();
});
beforeEach(() => em.counters.reset());

function credential(): ClientSecretCredential {
  const tokenManager = new TokenManager();
  managers.push(tokenManager);
  return new ClientSecretCredential(em.tenantId, APP, SECRET, {
    authorityHost: em.url,
    tlsOptions: { ca: em.ca },
    env: {},
    tokenManager,
  });
}

/** A credential of another library: counts calls, hands out what `next` makes. */
function foreign(next: (call: number, options: GetTokenOptions) => Promise<AccessToken | null>) {
  const calls: GetTokenOptions[] = [];
  const cred: TokenCredential = {
    getToken: (_scopes, options = {}) => {
      calls.push(options);
      return next(calls.length, options);
    },
  };
  return { cred, calls };
}

const inMs = (ms: number, token = `t${ms}`): AccessToken => ({
  token,
  expiresOnTimestamp: Date.now() + ms,
});

describe('getBearerTokenProvider', () => {
  it('returns a token from the emulator; two calls make one token request', async () => {
    const getAccessToken = getBearerTokenProvider(credential(), COGNITIVE);
    const first = await getAccessToken();
    const second = await getAccessToken();
    expect(second).toBe(first);
    expect(decodeJwt(first)).toMatchObject({
      aud: 'https://cognitiveservices.azure.com',
      appid: APP,
    });
    expect(em.counters.get('token')).toBe(1);
  });

  it('asks for a CAE-capable token, as the Azure SDK bearer policy does', async () => {
    const token = await getBearerTokenProvider(credential(), [COGNITIVE])();
    expect(decodeJwt(token)).toMatchObject({ xms_cc: ['cp1'] });
    const form = em.requests.find((r) => r.route === 'token')?.form ?? {};
    expect(form['claims']).toContain('cp1');
  });

  it('shares the engine with the credential: a token the credential has is a lookup', async () => {
    const cred = credential();
    const token = await cred.getToken(COGNITIVE, { enableCae: true });
    expect(await getBearerTokenProvider(cred, COGNITIVE)()).toBe(token.token);
    expect(em.counters.get('token')).toBe(1);
  });

  it('passes abortSignal and tracingOptions on', async () => {
    const { cred, calls } = foreign(async () => inMs(3_600_000));
    const controller = new AbortController();
    const tracingOptions = { tracingContext: undefined };
    await getBearerTokenProvider(cred, COGNITIVE, {
      abortSignal: controller.signal,
      tracingOptions,
    })();
    expect(calls[0]).toEqual({ abortSignal: controller.signal, tracingOptions, enableCae: true });
  });

  describe('with a credential of another library', () => {
    it('keeps the token, and shares one request among concurrent callers', async () => {
      const { cred, calls } = foreign(async (n) => inMs(3_600_000, `token-${n}`));
      const provider = getBearerTokenProvider(cred, COGNITIVE);
      expect(await Promise.all([provider(), provider(), provider()])).toEqual([
        'token-1',
        'token-1',
        'token-1',
      ]);
      expect(await provider()).toBe('token-1');
      expect(calls).toHaveLength(1);
    });

    it('refreshes in the background within two minutes of expiry, serving the current token', async () => {
      const { cred, calls } = foreign(async (n) =>
        n === 1 ? inMs(60_000, 'old') : inMs(3_600_000, 'new'),
      );
      const provider = getBearerTokenProvider(cred, COGNITIVE);
      expect(await provider()).toBe('old');
      expect(await provider()).toBe('old'); // and a refresh started
      await new Promise((resolve) => setImmediate(resolve));
      expect(await provider()).toBe('new');
      expect(calls).toHaveLength(2);
    });

    it('keeps the current token when a background refresh fails', async () => {
      const { cred, calls } = foreign(async (n) => {
        if (n === 1) return inMs(60_000, 'old');
        throw new Error('authority down');
      });
      const provider = getBearerTokenProvider(cred, COGNITIVE);
      await provider();
      expect(await provider()).toBe('old');
      await new Promise((resolve) => setImmediate(resolve));
      expect(await provider()).toBe('old');
      // Tried again only after the retry interval, not on every call.
      expect(calls).toHaveLength(2);
    });

    it('waits for a new token when the current one has expired, and fails with its error', async () => {
      const { cred } = foreign(async (n) => {
        if (n === 1) return inMs(500, 'expiring');
        throw new Error('authority down');
      });
      const provider = getBearerTokenProvider(cred, COGNITIVE);
      expect(await provider()).toBe('expiring');
      await expect(provider()).rejects.toThrow('authority down');
    });

    it('refuses a null token', async () => {
      const { cred } = foreign(async () => null);
      await expect(getBearerTokenProvider(cred, COGNITIVE)()).rejects.toBeInstanceOf(
        InvalidResponseError,
      );
    });
  });

  it('refuses what is not a TokenCredential', () => {
    for (const value of [undefined, null, {}, 'credential']) {
      expect(() => getBearerTokenProvider(value as unknown as TokenCredential, COGNITIVE)).toThrow(
        InvalidArgumentError,
      );
    }
  });
});
