import type { AccessToken } from '@azure/core-auth';
import {
  AuthenticationError,
  ClosedError,
  getDefaultTokenManager,
  TokenManager,
  type TokenEvent,
} from '../../src/index.js';
import { FakeCredential } from '../support/fakeCredential.js';
import { VirtualClock } from '../support/virtualClock.js';

const SCOPE = 'https://storage.azure.com/.default';
const HOUR = 3_600_000;
const MIN = 60_000;

function setup(options: { keepWarmMs?: number; latencyMs?: number } = {}) {
  const clock = new VirtualClock();
  const manager = new TokenManager({
    scheduler: clock,
    random: () => 1,
    keepWarmMs: options.keepWarmMs ?? 10 * MIN,
  });
  const credential = new FakeCredential(manager, clock, options.latencyMs ?? 100);
  return { clock, manager, credential };
}

const unavailable503 = (retryAfterMs?: number) =>
  new AuthenticationError(
    503,
    { error: 'temporarily_unavailable', errorDescription: 'AADSTS50000: busy' },
    { retryAfterMs },
  );
const invalidClient = () =>
  new AuthenticationError(401, {
    error: 'invalid_client',
    errorDescription: 'AADSTS7000215: Invalid client secret provided.',
  });

describe('TokenManager refresh', () => {
  it('emits a token at once, then refreshes five minutes before expiry with no caller waiting', async () => {
    const { clock, manager, credential } = setup();
    const start = clock.now();
    const seen: { token: string; at: number }[] = [];
    const sub = credential
      .token$(SCOPE)
      .subscribe((t) => seen.push({ token: t.token, at: clock.now() }));
    await clock.advance(2 * HOUR);
    sub.unsubscribe();
    expect(seen.map((s) => s.token)).toEqual(['token-1', 'token-2', 'token-3']);
    expect(seen[0]!.at).toBe(start + 100);
    // Refresh starts 55 min after the first token arrived and takes 100 ms of latency.
    expect(credential.requests.map((r) => r.at - start)).toEqual([
      0,
      100 + 55 * MIN,
      200 + 110 * MIN,
    ]);
    expect(credential.requests.map((r) => r.reason)).toEqual(['initial', 'proactive', 'proactive']);
    await manager.close();
  });

  it('refreshes at refreshAfterTimestamp when the authority gave one', async () => {
    const { clock, manager, credential } = setup();
    credential.fallback = { lifetimeMs: 24 * HOUR, refreshInMs: 12 * HOUR };
    const start = clock.now();
    const sub = credential.token$(SCOPE).subscribe();
    await clock.advance(13 * HOUR);
    sub.unsubscribe();
    expect(credential.requests.map((r) => r.at - start)).toEqual([0, 100 + 12 * HOUR]);
    await manager.close();
  });

  it('uses half the lifetime for short tokens and never hands out a token inside the forced-refresh window', async () => {
    const { clock, manager, credential } = setup();
    credential.fallback = { lifetimeMs: 2 * MIN };
    const start = clock.now();
    const emitted: AccessToken[] = [];
    const emittedAt: number[] = [];
    const sub = credential.token$(SCOPE).subscribe((t) => {
      emitted.push(t);
      emittedAt.push(clock.now());
    });
    await clock.advance(10 * MIN);
    sub.unsubscribe();
    expect(credential.requests[1]!.at - start).toBe(100 + MIN);
    emitted.forEach((t, i) => expect(emittedAt[i]!).toBeLessThan(t.expiresOnTimestamp - 30_000));
    await manager.close();
  });

  it('serves getToken from the refreshed token without waiting on the network', async () => {
    const { clock, manager, credential } = setup({ keepWarmMs: 2 * HOUR });
    const first = credential.getToken(SCOPE);
    await clock.advance(100);
    expect((await first).token).toBe('token-1');
    await clock.advance(55 * MIN + 100);
    let resolved: AccessToken | undefined;
    void credential.getToken(SCOPE).then((t) => (resolved = t));
    await Promise.resolve();
    expect(resolved?.token).toBe('token-2');
    expect(credential.requests).toHaveLength(2);
    await manager.close();
  });
});

describe('TokenManager single flight', () => {
  it('makes one acquisition for 1000 concurrent getToken calls on a cold key', async () => {
    const { clock, manager, credential } = setup();
    const calls = Array.from({ length: 1000 }, () => credential.getToken(SCOPE));
    await clock.advance(100);
    const tokens = await Promise.all(calls);
    expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['token-1']));
    expect(credential.requests).toHaveLength(1);
    await manager.close();
  });

  it('makes one acquisition for 1000 credential instances with one configuration', async () => {
    const { clock, manager } = setup();
    const instances = Array.from(
      { length: 1000 },
      () => new FakeCredential(manager, clock, 100, 'same'),
    );
    const calls = instances.map((c) => c.getToken([SCOPE, SCOPE]));
    await clock.advance(100);
    await Promise.all(calls);
    const total = instances.reduce((n, c) => n + c.requests.length, 0);
    expect(total).toBe(1);
    await manager.close();
  });

  it('keeps keys apart by scope set, tenant and CAE', async () => {
    const { clock, manager, credential } = setup();
    const calls = [
      credential.getToken(['b', 'a']),
      credential.getToken(['a', 'b', 'a']),
      credential.getToken('a'),
      credential.getToken('a', { tenantId: 'other' }),
      credential.getToken('a', { enableCae: true }),
    ];
    await clock.advance(100);
    await Promise.all(calls);
    expect(
      credential.requests
        .map((r) => `${r.scopes.join(' ')}|${r.tenantId ?? ''}|${r.enableCae}`)
        .sort(),
    ).toEqual(['a b||false', 'a|other|false', 'a||false', 'a||true'].sort());
    await manager.close();
  });
});

describe('TokenManager failures', () => {
  it('keeps serving the old token while refreshes fail, backing off exponentially', async () => {
    const { clock, manager, credential } = setup();
    const start = clock.now();
    const sub = credential.token$(SCOPE).subscribe();
    await clock.advance(100);
    credential.outcomes = [
      { error: unavailable503() },
      { error: unavailable503() },
      { error: unavailable503() },
    ];
    await clock.advance(55 * MIN + 100 + 1000 + 2000 + 4000 + 400);
    const refreshStart = start + 100 + 55 * MIN;
    expect(credential.requests.slice(1).map((r) => r.at - refreshStart)).toEqual([
      0, 1100, 3200, 7300,
    ]);
    expect((await credential.getToken(SCOPE)).token).toBe('token-2');
    sub.unsubscribe();
    await manager.close();
  });

  it('serves the old token during failures and recovers', async () => {
    const { clock, manager, credential } = setup();
    const sub = credential.token$(SCOPE).subscribe();
    await clock.advance(100);
    credential.outcomes = [{ error: invalidClient() }, { error: unavailable503() }];
    await clock.advance(55 * MIN + 150);
    expect((await credential.getToken(SCOPE)).token).toBe('token-1');
    expect(manager.snapshot()[0]!.state).toBe('retrying');
    await clock.advance(10_000);
    expect((await credential.getToken(SCOPE)).token).toBe('token-2');
    expect(manager.snapshot()[0]!.state).toBe('fresh');
    sub.unsubscribe();
    await manager.close();
  });

  it('waits at least Retry-After before the next attempt', async () => {
    const { clock, manager, credential } = setup();
    const start = clock.now();
    const sub = credential.token$(SCOPE).subscribe();
    await clock.advance(100);
    credential.outcomes = [{ error: unavailable503(120_000) }];
    await clock.advance(55 * MIN + 100 + 121_000);
    const refreshStart = start + 100 + 55 * MIN;
    expect(credential.requests.slice(1).map((r) => r.at - refreshStart)).toEqual([
      0,
      100 + 120_000,
    ]);
    sub.unsubscribe();
    await manager.close();
  });

  it('errors the stream with the last typed error only once no usable token remains', async () => {
    const { clock, manager, credential } = setup();
    let error: unknown;
    let failedAt = 0;
    let lastToken: AccessToken | undefined;
    const sub = credential.token$(SCOPE).subscribe({
      next: (t) => (lastToken = t),
      error: (e: unknown) => {
        error = e;
        failedAt = clock.now();
      },
    });
    await clock.advance(100);
    credential.fallback = { error: unavailable503() };
    await clock.advance(59 * MIN);
    expect(error).toBeUndefined();
    await clock.advance(2 * MIN);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).statusCode).toBe(503);
    expect(failedAt).toBeGreaterThanOrEqual(lastToken!.expiresOnTimestamp - 30_000);
    expect(failedAt).toBeLessThan(lastToken!.expiresOnTimestamp);
    expect(manager.snapshot()[0]).toMatchObject({
      state: 'expired',
      lastError: { code: 'ERR_AUTHENTICATION_FAILED' },
    });
    sub.unsubscribe();
    await manager.close();
  });

  it('fails a first acquisition at once on a non-transient error, and subscribing again starts over', async () => {
    const { clock, manager, credential } = setup();
    credential.outcomes = [{ error: invalidClient() }];
    const first = credential.getToken(SCOPE);
    const settled = first.catch((e: unknown) => e);
    await clock.advance(100);
    const error = await settled;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).errorResponse.error).toBe('invalid_client');
    expect(credential.requests).toHaveLength(1);
    const second = credential.getToken(SCOPE);
    await clock.advance(100);
    expect((await second).token).toBe('token-1');
    await manager.close();
  });

  it('retries a first acquisition on transient errors: three 503s then success yields a token', async () => {
    const { clock, manager, credential } = setup();
    credential.outcomes = [
      { error: unavailable503() },
      { error: unavailable503() },
      { error: unavailable503() },
    ];
    const call = credential.getToken(SCOPE);
    await clock.advance(10_000);
    expect((await call).token).toBe('token-1');
    expect(credential.requests).toHaveLength(4);
    await manager.close();
  });

  it('gives up on a first acquisition after the configured number of transient retries', async () => {
    const { clock, manager, credential } = setup();
    credential.fallback = { error: unavailable503() };
    const call = credential.getToken(SCOPE).catch((e: unknown) => e);
    await clock.advance(60_000);
    expect(await call).toBeInstanceOf(AuthenticationError);
    expect(credential.requests).toHaveLength(4);
    await manager.close();
  });
});

describe('TokenManager callers', () => {
  it('bypasses the cache for claims and pushes the new token to subscribers', async () => {
    const { clock, manager, credential } = setup();
    const seen: string[] = [];
    const sub = credential.token$(SCOPE).subscribe((t) => seen.push(t.token));
    await clock.advance(100);
    const challenged = credential.getToken(SCOPE, {
      claims: '{"access_token":{"nbf":{"essential":true}}}',
    });
    await clock.advance(100);
    expect((await challenged).token).toBe('token-2');
    expect(credential.requests[1]!.claims).toContain('nbf');
    expect(credential.requests[1]!.reason).toBe('claims');
    expect(seen).toEqual(['token-1', 'token-2']);
    expect((await credential.getToken(SCOPE)).token).toBe('token-2');
    sub.unsubscribe();
    await manager.close();
  });

  it('rejects an aborted caller only; the shared acquisition goes on for the others', async () => {
    const { clock, manager, credential } = setup();
    const controller = new AbortController();
    const aborted = credential
      .getToken(SCOPE, { abortSignal: controller.signal })
      .catch((e: unknown) => e);
    const other = credential.getToken(SCOPE);
    await clock.advance(50);
    controller.abort();
    expect(await aborted).toMatchObject({ code: 'ERR_ABORTED', name: 'AbortError' });
    await clock.advance(50);
    expect((await other).token).toBe('token-1');
    expect(credential.requests).toHaveLength(1);
    await manager.close();
  });

  it('finishes the acquisition of a lone aborted caller so the next caller gets it', async () => {
    const { clock, manager, credential } = setup();
    const controller = new AbortController();
    const aborted = credential
      .getToken(SCOPE, { abortSignal: controller.signal })
      .catch((e: unknown) => e);
    controller.abort();
    await aborted;
    await clock.advance(100);
    const next = credential.getToken(SCOPE);
    expect((await next).token).toBe('token-1');
    expect(credential.requests).toHaveLength(1);
    await manager.close();
  });
});

describe('TokenManager caller timeout', () => {
  it('rejects a caller at its requestOptions.timeout while the shared acquisition goes on', async () => {
    const { clock, manager, credential } = setup({ latencyMs: 10_000 });
    const impatient = credential
      .getToken(SCOPE, { requestOptions: { timeout: 5_000 } })
      .catch((e: unknown) => e);
    const patient = credential.getToken(SCOPE);
    await clock.advance(5_000);
    expect(await impatient).toMatchObject({
      code: 'ERR_NETWORK',
      message: expect.stringContaining('5000 ms'),
    });
    await clock.advance(5_000);
    expect((await patient).token).toBe('token-1');
    expect(credential.requests).toHaveLength(1);
    await manager.close();
  });
});

describe('TokenManager lifetime', () => {
  it('keeps refreshing for keepWarmMs after the last caller, then drops every timer', async () => {
    const { clock, manager, credential } = setup({ keepWarmMs: 2 * HOUR });
    const call = credential.getToken(SCOPE);
    await clock.advance(100);
    await call;
    await clock.advance(90 * MIN);
    expect(credential.requests).toHaveLength(2);
    await clock.advance(60 * MIN);
    expect(credential.requests).toHaveLength(3);
    expect(clock.pending).toBe(0);
    expect(manager.snapshot()).toEqual([]);
    // The token is still cached: a new caller gets it without an acquisition.
    const again = credential.getToken(SCOPE);
    expect((await again).token).toBe('token-3');
    expect(credential.requests).toHaveLength(3);
    await manager.close();
  });

  it('close() rejects waiting callers and leaves no timer', async () => {
    const { clock, manager, credential } = setup();
    const sub = credential.token$(SCOPE).subscribe();
    const waiting = credential.getToken('other').catch((e: unknown) => e);
    await clock.advance(50);
    await manager.close();
    expect(await waiting).toBeInstanceOf(ClosedError);
    expect(clock.pending).toBe(0);
    expect(sub.closed).toBe(true);
    await expect(credential.getToken(SCOPE)).rejects.toBeInstanceOf(ClosedError);
  });

  it('a credential close() ends its streams when it is the last instance of its identity', async () => {
    const { clock, manager, credential } = setup();
    const call = credential.getToken(SCOPE);
    await clock.advance(100);
    await call;
    await credential.close();
    expect(clock.pending).toBe(0);
    await expect(credential.getToken(SCOPE)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await manager.close();
  });
});

describe('TokenManager observability', () => {
  it('publishes typed events and a snapshot per key', async () => {
    const { clock, manager, credential } = setup();
    const events: TokenEvent[] = [];
    const sub = credential.events$.subscribe((e) => events.push(e));
    const call = credential.getToken(SCOPE);
    await clock.advance(100);
    await call;
    await credential.getToken(SCOPE);
    expect(events.map((e) => e.type)).toEqual([
      'stream-opened',
      'cache-miss',
      'acquisition-started',
      'acquisition-succeeded',
      'refresh-scheduled',
    ]);
    const [snap] = manager.snapshot();
    expect(snap).toMatchObject({
      state: 'fresh',
      acquisitions: 1,
      cacheHits: 1,
      failures: 0,
      scopes: [SCOPE],
    });
    expect(snap!.nextRefreshAt).toBe(clock.now() + 55 * MIN);
    sub.unsubscribe();
    await manager.close();
  });
});

describe('getDefaultTokenManager', () => {
  it('replaces a process-wide engine that was closed, so credentials built later still work', async () => {
    const first = getDefaultTokenManager();
    expect(getDefaultTokenManager()).toBe(first);
    await first.close();
    expect(first.isClosed).toBe(true);
    const second = getDefaultTokenManager();
    expect(second).not.toBe(first);
    expect(second.isClosed).toBe(false);
    await second.close();
  });
});
