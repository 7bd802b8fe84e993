import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import {
  AuthenticationError,
  AzureAuthorityHosts,
  ClientSecretCredential,
  CredentialUnavailableError,
  InvalidArgumentError,
  TokenManager,
  type TokenManagerOptions,
} from '../../../src/index.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { VirtualClock } from '../../support/virtualClock.js';
import { teardownAfterEach } from '../../support/teardown.js';
import { TokenManagers } from '../../support/tokenManagers.js';
import { until } from '../../support/until.js';

const CLIENT_ID = '5a1d0c3e-0000-4000-8000-0000000000c5';
const SECRET = 'client-secret-value~for.tests';
const STORAGE = 'https://storage.azure.com/.default';

let em: Emulator;
const managers = new TokenManagers();

beforeAll(async () => {
  em = await startEmulator({ apps: [{ clientId: CLIENT_ID, clientSecret: SECRET }] });
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
});
afterEach(() => em.faults.clear());

/** A credential on its own engine, so tests never share tokens. */
function credential(
  secret = SECRET,
  options: { manager?: TokenManagerOptions; additionallyAllowedTenants?: string[] } = {},
) {
  const tokenManager = managers.create({
    retryInitialDelayMs: 1,
    retryMaxDelayMs: 4,
    ...options.manager,
  });
  return new ClientSecretCredential(em.tenantId, CLIENT_ID, secret, {
    authorityHost: em.url,
    tlsOptions: { ca: em.ca },
    tokenManager,
    additionallyAllowedTenants: options.additionallyAllowedTenants,
    env: {},
  });
}

describe('ClientSecretCredential against the emulator', () => {
  it('gets a v1 storage token that verifies with the authority JWKS', async () => {
    const token = await credential().getToken(STORAGE);
    const jwks = createLocalJWKSet(em.jwks as JSONWebKeySet);
    const { payload } = await jwtVerify(token.token, jwks, {
      issuer: `https://sts.windows.net/${em.tenantId}/`,
      audience: 'https://storage.azure.com',
    });
    expect(payload).toMatchObject({ appid: CLIENT_ID, tid: em.tenantId, ver: '1.0' });
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(token.tokenType).toBe('Bearer');
  });

  it('makes exactly one token request for a first acquisition, with no discovery', async () => {
    em.counters.reset();
    await credential().getToken(STORAGE);
    expect(em.counters.get('token')).toBe(1);
    expect(em.counters.get('openid') + em.counters.get('discovery')).toBe(0);
  });

  it('fails a wrong secret with AuthenticationError carrying the authority codes', async () => {
    const error = await credential('wrong-secret-value')
      .getToken(STORAGE)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    const auth = error as AuthenticationError;
    expect(auth.code).toBe('ERR_AUTHENTICATION_FAILED');
    expect(auth.statusCode).toBe(401);
    expect(auth.errorResponse.error).toBe('invalid_client');
    expect(auth.errorResponse.errorCodes).toEqual([7000215]);
    expect(auth.errorResponse.traceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(auth.message).not.toContain('wrong-secret-value');
  });

  it('retries three 503s and then yields a token', async () => {
    em.counters.reset();
    em.faults.add({ route: 'token', status: 503, times: 3 });
    const token = await credential().getToken(STORAGE);
    expect(token.token).toMatch(/^eyJ/);
    expect(em.counters.get('token')).toBe(4);
  });

  it('honours Retry-After on a 429 before trying again', async () => {
    const clock = new VirtualClock(Date.now());
    const cred = credential(SECRET, { manager: { scheduler: clock } });
    em.counters.reset();
    em.faults.add({ route: 'token', status: 429, retryAfterSeconds: 7, times: 1 });
    const call = cred.getToken(STORAGE);
    await until(() => em.counters.get('token') === 1 && clock.pending > 0);
    await clock.advance(6_999);
    expect(em.counters.get('token')).toBe(1);
    await clock.advance(1);
    await until(() => em.counters.get('token') === 2);
    expect((await call).token).toMatch(/^eyJ/);
  });

  it('gives a typed error for a garbage token response', async () => {
    em.faults.add({ route: 'token', garbage: true });
    const error = await credential()
      .getToken(STORAGE)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INVALID_RESPONSE' });
    expect((error as Error).message).toContain('not JSON');
  });

  it('recovers after a connection reset', async () => {
    em.faults.add({ route: 'token', reset: true, times: 1 });
    const token = await credential().getToken(STORAGE);
    expect(token.token).toMatch(/^eyJ/);
  });

  it('requests a CAE token (xms_cc) when enableCae is set, on its own key', async () => {
    const cred = credential();
    const plain = await cred.getToken(STORAGE);
    const cae = await cred.getToken(STORAGE, { enableCae: true });
    expect(decodeJwt(cae.token).xms_cc).toEqual(['cp1']);
    expect(decodeJwt(plain.token).xms_cc).toBeUndefined();
  });

  it('bypasses the cache when claims are given', async () => {
    const cred = credential();
    const first = await cred.getToken(STORAGE);
    em.counters.reset();
    const challenged = await cred.getToken(STORAGE, {
      claims: '{"access_token":{"nbf":{"essential":true,"value":"1"}}}',
    });
    expect(em.counters.get('token')).toBe(1);
    expect(challenged.token).not.toBe(first.token);
    expect((await cred.getToken(STORAGE)).token).toBe(challenged.token);
  });

  it('refuses a request tenant that is not allowed, and allows it with "*"', async () => {
    const other = '00000000-0000-4000-8000-0000000000ff';
    await expect(credential().getToken(STORAGE, { tenantId: other })).rejects.toBeInstanceOf(
      CredentialUnavailableError,
    );
    const error = await credential(SECRET, { additionallyAllowedTenants: ['*'] })
      .getToken(STORAGE, { tenantId: other })
      .catch((e: unknown) => e);
    // The emulator does not know that tenant: the request was sent there, and refused by the authority.
    expect(error).toMatchObject({ statusCode: 400, errorResponse: { errorCodes: [90002] } });
  });
});

describe('ClientSecretCredential sharing and lifetime', () => {
  const teardown = teardownAfterEach();

  it('makes one token request for 1000 instances with one configuration and 1000 concurrent calls', async () => {
    const tokenManager = managers.create();
    em.counters.reset();
    const instances = Array.from(
      { length: 1000 },
      () =>
        new ClientSecretCredential(em.tenantId, CLIENT_ID, SECRET, {
          authorityHost: em.url,
          tlsOptions: { ca: em.ca },
          tokenManager,
          env: {},
        }),
    );
    const tokens = await Promise.all(instances.map((c) => c.getToken(STORAGE)));
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
    expect(em.counters.get('token')).toBe(1);
  });

  it('keeps no timer that holds the process open, and close() releases its streams', async () => {
    const refTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = refTimers();
    const tokenManager = teardown.add(new TokenManager(), (manager) => manager.close());
    const cred = new ClientSecretCredential(em.tenantId, CLIENT_ID, SECRET, {
      authorityHost: em.url,
      tlsOptions: { ca: em.ca },
      tokenManager,
      env: {},
    });
    await cred.getToken(STORAGE);
    // A refresh timer and a keep-warm timer are pending now, and neither keeps Node alive.
    expect(tokenManager.snapshot()[0]?.nextRefreshAt).toBeGreaterThan(Date.now());
    expect(refTimers()).toBeLessThanOrEqual(before);
    await cred.close();
    expect(tokenManager.snapshot()).toEqual([]);
  });
});

describe('ClientSecretCredential events', () => {
  it('keeps the events and snapshots of two instances with one client id but different secrets apart', async () => {
    em.registerApp({ clientId: CLIENT_ID, clientSecret: SECRET });
    const tokenManager = managers.create();
    const make = (secret: string) =>
      new ClientSecretCredential(em.tenantId, CLIENT_ID, secret, {
        authorityHost: em.url,
        tlsOptions: { ca: em.ca },
        tokenManager,
        env: {},
      });
    const [right, wrong] = [make(SECRET), make('another-secret-value')];
    const seen: string[] = [];
    right.events$.subscribe((e) => seen.push(e.type));
    await right.getToken(STORAGE);
    await wrong.getToken(STORAGE).catch(() => undefined);
    expect(seen).not.toContain('acquisition-failed');
    expect(right.snapshot().map((s) => s.state)).toEqual(['fresh']);
    expect(wrong.snapshot().map((s) => s.lastError?.code)).toEqual(['ERR_AUTHENTICATION_FAILED']);
  });
});

describe('ClientSecretCredential logging', () => {
  it('logs each acquisition as @azure/identity does, at info, redacted', async () => {
    const lines: string[] = [];
    const tokenManager = managers.create();
    const cred = new ClientSecretCredential(em.tenantId, CLIENT_ID, SECRET, {
      authorityHost: em.url,
      tlsOptions: { ca: em.ca },
      tokenManager,
      env: {},
      loggingOptions: { logLevel: 'info', sink: (level, line) => lines.push(`${level} ${line}`) },
    });
    await cred.getToken(STORAGE);
    expect(lines).toContain(
      `info ClientSecretCredential => getToken() => SUCCESS. Scopes: ${STORAGE}. Reason: initial.`,
    );
  });
});

describe('ClientSecretCredential input', () => {
  it.each([
    ['an empty scope list', [] as string[]],
    ['an empty scope', ''],
    ['a scope with a space', 'https://storage.azure.com/.default openid'],
  ])('rejects %s with InvalidArgumentError', async (_name, scopes) => {
    await expect(credential().getToken(scopes)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it.each([
    ['a malformed tenant id', 'tenant/../../evil', {}],
    [
      'a non-https authority host',
      CLIENT_ID.slice(0, 0) + 'contoso',
      { authorityHost: 'http://127.0.0.1:1' },
    ],
    ['an authority host that is not a URL', 'contoso', { authorityHost: 'not a url' }],
  ])('rejects %s at construction with InvalidArgumentError', (_name, tenant, options) => {
    expect(
      () => new ClientSecretCredential(tenant, CLIENT_ID, SECRET, { ...options, env: {} }),
    ).toThrow(InvalidArgumentError);
  });

  it.each([
    ['tenantId', ['', CLIENT_ID, SECRET]],
    ['clientId', ['contoso', '', SECRET]],
    ['clientSecret', ['contoso', CLIENT_ID, '']],
  ])('throws CredentialUnavailableError when %s is empty', (name, [t, c, s]) => {
    expect(() => new ClientSecretCredential(t!, c!, s!, { env: {} })).toThrow(
      expect.objectContaining({
        code: 'ERR_CREDENTIAL_UNAVAILABLE',
        message: expect.stringContaining(name),
      }),
    );
  });

  it('reads AZURE_AUTHORITY_HOST from the environment and refuses http there too', () => {
    expect(
      () =>
        new ClientSecretCredential('contoso', CLIENT_ID, SECRET, {
          env: { AZURE_AUTHORITY_HOST: 'http://127.0.0.1:9' },
        }),
    ).toThrow(/must use https/);
    expect(AzureAuthorityHosts.AzurePublicCloud).toBe('https://login.microsoftonline.com');
  });
});
