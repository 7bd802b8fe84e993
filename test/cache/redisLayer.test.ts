import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { asyncScheduler } from 'rxjs';
import { DEFAULT_LOCK_WAIT_MS } from '../../src/cache/fileLock.js';
import { LayeredCache } from '../../src/cache/layeredCache.js';
import { resolveRedisOptions } from '../../src/cache/redis/redisOptions.js';
import { DEFAULT_TOKEN_TIMEOUT_MS } from '../../src/service/tokenEndpoint.js';
import {
  ClientSecretCredential,
  type CacheLayer,
  DEFAULT_REDIS_LOCK_WAIT_MS,
  getDefaultTokenManager,
  RedisLayer,
  TokenManager,
  unrefScheduler,
  type DistributedCacheOptions,
  type TokenEvent,
} from '../../src/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { FakeCredential } from '../support/fakeCredential.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { teardownAfterEach } from '../support/teardown.js';
import { until } from '../support/until.js';

const key = randomBytes(32).toString('base64');
const SCOPE = 'https://vault.azure.net/.default';
const TENANT = '5c1d0e3f-0000-4000-8000-00000000a7a7';
// Holds a character that base64 never does, so no ciphertext can contain it by chance.
const IDENTITY = 'fleet.app';
let server: RedisServer;
let raw: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  raw = new Redis(server.url, { lazyConnect: true });
  await raw.connect();
}, 30_000);
afterAll(async () => {
  raw?.disconnect();
  await server?.stop();
});
beforeEach(() => raw.flushall());

const teardown = teardownAfterEach();

interface Engine {
  manager: TokenManager;
  credential: FakeCredential;
  events: TokenEvent[];
}

/** An engine with a Redis layer and a scripted credential; every engine has the same identity. */
function engine(options: Partial<DistributedCacheOptions> = {}, identity = IDENTITY): Engine {
  // A generous command deadline (a loaded machine stalls event loops), except where a hung Redis
  // is the point: a spurious timeout would degrade the layer and add an acquisition.
  const distributedCache = { url: server.url, encryptionKey: key, timeoutMs: 5_000, ...options };
  const manager = teardown.add(new TokenManager({ distributedCache }), (m) => m.close());
  const events: TokenEvent[] = [];
  manager.events$.subscribe((event) => events.push(event));
  const credential = new FakeCredential(manager, asyncScheduler, 50, identity);
  return { manager, credential, events };
}

const ofType = (events: TokenEvent[], type: TokenEvent['type']) =>
  events.filter((e) => e.type === type);

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

async function storedKeys(pattern: string): Promise<string[]> {
  return raw.keys(pattern);
}

describe('RedisLayer: sharing', () => {
  it('hands a token one engine acquired to another, from Redis', async () => {
    const a = engine();
    const b = engine();
    const first = await a.credential.getToken(SCOPE);
    const second = await b.credential.getToken(SCOPE);
    expect(second.token).toBe(first.token);
    expect(a.credential.requests).toHaveLength(1);
    expect(b.credential.requests).toHaveLength(0);
    expect(ofType(b.events, 'cache-hit')).toMatchObject([{ layer: 'redis' }]);
    // The entry expires with its token.
    const [tokenKey] = await storedKeys('*:token');
    expect(await raw.pttl(tokenKey!)).toBeGreaterThan(3_500_000);
  });

  it('makes one acquisition when six engines miss together', async () => {
    const engines = Array.from({ length: 6 }, () => engine());
    const tokens = await Promise.all(engines.map((e) => e.credential.getToken(SCOPE)));
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
    expect(engines.reduce((n, e) => n + e.credential.requests.length, 0)).toBe(1);
    const outcomes = engines
      .flatMap((e) => ofType(e.events, 'cache-lock'))
      .map((e) => e.type === 'cache-lock' && e.outcome);
    expect(outcomes.filter((o) => o === 'free')).toHaveLength(1);
    expect(outcomes.every((o) => o === 'free' || o === 'token' || o === 'acquired')).toBe(true);
    expect(await storedKeys('*:lock')).toEqual([]);
  });

  it('keeps the tenant, the scopes, the identity and the token out of every Redis command', async () => {
    const monitor = await raw.duplicate().monitor();
    teardown.defer(() => monitor.disconnect());
    const commands: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => commands.push(args.join(' ')));
    const engines = [engine(), engine(), engine()];
    const tokens = await Promise.all(
      engines.map((e) => e.credential.getToken([SCOPE, 'api://x/read'], { tenantId: TENANT })),
    );
    await until(() => commands.some((c) => /^publish /i.test(c)), 'the publish of the token');
    const all = commands.join('\n');
    expect(all).toMatch(/\bset\b.*\bNX\b/i);
    for (const clear of [
      TENANT,
      SCOPE,
      'api://x/read',
      'FakeCredential',
      IDENTITY,
      tokens[0]!.token,
    ])
      expect(all).not.toContain(clear);
  });
});

describe('RedisLayer: locks', () => {
  it('releases a lock only for its owner', async () => {
    const layer = new RedisLayer({
      url: server.url,
      encryptionKey: key,
      scheduler: unrefScheduler,
    });
    teardown.defer(() => layer.close());
    const release = await layer.lockKey('k');
    const [lock] = await storedKeys('*:lock');
    await raw.set(lock!, 'another-owner', 'PX', 5_000);
    await release();
    expect(await raw.get(lock!)).toBe('another-owner');
  });

  it("gives up waiting after lockWaitMs, and takes a dead holder's lock after its TTL", async () => {
    const events: string[] = [];
    const layerOf = (lockWaitMs: number, lockTtlMs: number) => {
      const layer = new RedisLayer({
        url: server.url,
        encryptionKey: key,
        scheduler: unrefScheduler,
        lockTtlMs,
        lockWaitMs,
        onEvent: (e) => e.type === 'lock' && events.push(e.outcome),
      });
      teardown.defer(() => layer.close());
      return layer;
    };
    // A live holder keeps its lock: renewed each second, it survives a stalled event loop.
    await layerOf(0, 3_000).lockKey('k');
    await layerOf(100, 3_000).lockKey('k');
    expect(events).toEqual(['free', 'timeout']);
    // A holder that goes away without releasing (it would hold for a minute): its renewals stop
    // and its lock expires. The waiter is connected first, so it asks before the TTL is up.
    const holder = layerOf(60_000, 1_000);
    const waiter = layerOf(10_000, 1_000);
    await Promise.all([holder.get('warm-up'), waiter.get('warm-up')]);
    await holder.lockKey('dead');
    await holder.close();
    await waiter.lockKey('dead');
    expect(events).toEqual(['free', 'timeout', 'free', 'acquired']);
  });
});

describe('RedisLayer: a cancelled lock wait', () => {
  it('stops waiting when its signal aborts, reports no outcome, and never takes the lock', async () => {
    const events: string[] = [];
    const layerOf = () => {
      const layer = new RedisLayer({
        url: server.url,
        encryptionKey: key,
        scheduler: unrefScheduler,
        lockTtlMs: 3_000,
        lockWaitMs: 60_000,
        onEvent: (e) => e.type === 'lock' && events.push(e.outcome),
      });
      teardown.defer(() => layer.close());
      return layer;
    };
    const releaseHeld = await layerOf().lockKey('k');
    const [lock] = await storedKeys('*:lock');
    const held = await raw.get(lock!);
    const abort = new AbortController();
    const waiter = layerOf();
    const waiting = waiter.lockKey('k', undefined, abort.signal);
    // Once it listens on the key's channel, it is waiting for the holder.
    while (((await raw.pubsub('CHANNELS', '*')) as string[]).length === 0)
      await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    // Long before lockWaitMs: the wait ended with the signal, without the lock.
    const release = await waiting;
    expect(await raw.get(lock!)).toBe(held);
    await releaseHeld();
    await release();
    expect(await storedKeys('*:lock')).toEqual([]);
    expect(events).toEqual(['free']);
  });
});

describe('LayeredCache with a machine lock and a fleet lock', () => {
  it("takes every layer's lock in order, releases in reverse, and skips one that fails", async () => {
    const log: string[] = [];
    const locking = (name: string, fails = false): CacheLayer => ({
      name,
      get: () => undefined,
      set: () => undefined,
      delete: () => undefined,
      lockKey: async (_key, accepts) => {
        log.push(`lock ${name}${accepts === undefined ? '' : ' (accepts)'}`);
        if (fails) throw new Error(`${name} is busy`);
        return async () => void log.push(`release ${name}`);
      },
    });
    const failures: string[] = [];
    const cache = new LayeredCache(
      [locking('memory-ish'), locking('disk', true), locking('redis')],
      (layer, operation) => failures.push(`${layer} ${operation}`),
    );
    const release = await cache.lockForAcquisition('k', () => true);
    await release!();
    expect(log).toEqual([
      'lock memory-ish (accepts)',
      'lock disk (accepts)',
      'lock redis (accepts)',
      'release redis',
      'release memory-ish',
    ]);
    expect(failures).toEqual(['disk lock']);
  });
});

describe('RedisLayer: faults', () => {
  it('drops a value that does not decrypt, with a warning, and acquires', async () => {
    const a = engine();
    await a.credential.getToken(SCOPE);
    const [tokenKey] = await storedKeys('*:token');
    await raw.set(tokenKey!, 'not an envelope', 'PX', 60_000);
    const b = engine();
    await b.credential.getToken(SCOPE);
    expect(b.credential.requests).toHaveLength(1);
    expect(ofType(b.events, 'cache-warning')).toMatchObject([{ layer: 'redis' }]);
    expect(await raw.get(tokenKey!)).not.toBe('not an envelope');
  });

  it('counts a hung Redis as a miss, says so once, and shares again once it answers', async () => {
    const a = engine({ timeoutMs: 300 });
    await a.credential.getToken('scope-before');
    server.pause();
    teardown.defer(() => server.resume());
    await expect(a.credential.getToken('scope-during')).resolves.toMatchObject({
      token: expect.any(String),
    });
    await a.credential.getToken('scope-during-2');
    const degraded = ofType(a.events, 'cache-degraded');
    expect(degraded).toHaveLength(1);
    expect(degraded[0]).toMatchObject({
      layer: 'redis',
      message: expect.stringMatching(/did not answer within 300 ms/),
    });
    server.resume();
    await until(() => ofType(a.events, 'cache-recovered').length === 1, 'the recovery');
    await a.credential.getToken('scope-after');
    const b = engine();
    await b.credential.getToken('scope-after');
    expect(b.credential.requests).toHaveLength(0);
  }, 20_000);

  it('carries on when Redis is killed, and reconnects by itself when it is back', async () => {
    const a = engine();
    await a.credential.getToken('one');
    await server.kill();
    await expect(a.credential.getToken('two')).resolves.toMatchObject({
      token: expect.any(String),
    });
    expect(ofType(a.events, 'cache-degraded')).toMatchObject([{ layer: 'redis' }]);
    await server.restart();
    await until(() => ofType(a.events, 'cache-recovered').length === 1, 'the reconnection');
    await a.credential.getToken('three');
    const b = engine();
    await b.credential.getToken('three');
    expect(b.credential.requests).toHaveLength(0);
  }, 20_000);
});

describe('RedisLayer: failover', () => {
  it('degrades on a replica that refuses writes, and shares again once it is promoted', async () => {
    const replica = teardown.add(
      await startRedisServer(['--replicaof', '127.0.0.1', String(server.port)]),
      (s) => s.stop(),
    );
    const a = engine({ url: replica.url });
    await expect(a.credential.getToken(SCOPE)).resolves.toMatchObject({
      token: expect.any(String),
    });
    expect(ofType(a.events, 'cache-degraded')).toMatchObject([{ layer: 'redis' }]);
    const promoted = new Redis(replica.url, { lazyConnect: true });
    teardown.defer(() => promoted.disconnect());
    await promoted.connect();
    await promoted.replicaof('NO', 'ONE');
    await until(() => ofType(a.events, 'cache-recovered').length === 1, 'the recovery');
    await a.credential.getToken('after-failover');
    const b = engine({ url: replica.url });
    await b.credential.getToken('after-failover');
    expect(b.credential.requests).toHaveLength(0);
  }, 20_000);
});

describe('RedisLayer: ACL users and key prefixes', () => {
  it('works as an ACL user limited to its prefix, and degrades (not fails) outside it', async () => {
    const password = 'acl-pass-0f9e8d';
    const acl = await startRedisServer([
      '--user',
      'default',
      'off',
      '--user',
      'fleet',
      'on',
      `>${password}`,
      '~fleet:*',
      '&fleet:*',
      '+@all',
    ]);
    teardown.defer(() => acl.stop());
    const url = `redis://fleet:${password}@127.0.0.1:${acl.port}`;
    const a = engine({ url, keyPrefix: 'fleet:' });
    const b = engine({ url, keyPrefix: 'fleet:' });
    await a.credential.getToken(SCOPE);
    await b.credential.getToken(SCOPE);
    expect(b.credential.requests).toHaveLength(0);
    const outside = engine({ url, keyPrefix: 'other:' });
    await expect(outside.credential.getToken(SCOPE)).resolves.toMatchObject({
      token: expect.any(String),
    });
    expect(ofType(outside.events, 'cache-degraded')).toMatchObject([{ layer: 'redis' }]);
    expect(JSON.stringify([...a.events, ...outside.events])).not.toContain(password);
  });
});

describe('RedisLayer: TLS', () => {
  it('shares tokens over rediss:// with the server trusted by tls.ca, and degrades without it', async () => {
    const tls = teardown.add(await startRedisServer([], { tls: true }), (s) => s.stop());
    const a = engine({ url: tls.url, tls: { ca: tls.certPem } });
    const b = engine({ url: tls.url, tls: { ca: tls.certPem } });
    await a.credential.getToken(SCOPE);
    await b.credential.getToken(SCOPE);
    expect(b.credential.requests).toHaveLength(0);
    expect(ofType(b.events, 'cache-hit')).toMatchObject([{ layer: 'redis' }]);
    const untrusted = engine({ url: tls.url });
    await expect(untrusted.credential.getToken(SCOPE)).resolves.toMatchObject({
      token: expect.any(String),
    });
    expect(ofType(untrusted.events, 'cache-degraded')).toMatchObject([{ layer: 'redis' }]);
  });

  it('closes a layer whose TLS handshake is under way (server untrusted) without an uncaught error', async () => {
    // Ended mid-handshake, the socket fails on the certificate and then reads the server's alert:
    // a second 'error' that, unheard, crashed the process. Where the close lands in the handshake
    // varies, so close at several points; each layer is closed within a few ms of connecting.
    const tls = teardown.add(await startRedisServer([], { tls: true }), (s) => s.stop());
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    teardown.defer(() => process.off('uncaughtException', record));
    for (let i = 0; i < 60; i++) {
      const layer = new RedisLayer({ url: tls.url, encryptionKey: key, scheduler: unrefScheduler });
      await new Promise((resolve) => setTimeout(resolve, i % 6));
      await layer.close();
    }
    // The alerts come back over loopback: give the last sockets time to hear theirs.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(uncaught.map(String)).toEqual([]);
  });
});

describe('distributedCache on credentials', () => {
  it('is turned on by the option or by REACTIVE_IDENTITY_REDIS_URL, for the process-wide engine', async () => {
    const em = teardown.add(
      await startEmulator({
        apps: [
          { clientId: 'c1', clientSecret: 's1' },
          { clientId: 'c2', clientSecret: 's2' },
        ],
      }),
      (e) => e.stop(),
    );
    const env = { REACTIVE_IDENTITY_REDIS_URL: server.url, REACTIVE_IDENTITY_CACHE_KEY: key };
    const distributedCache = { url: server.url, encryptionKey: key, name: 'by-option' };
    teardown.defer(() => getDefaultTokenManager(undefined, { env }).close());
    teardown.defer(() => getDefaultTokenManager(undefined, { distributedCache }).close());
    const common = { authorityHost: em.url, tlsOptions: { ca: em.ca } };
    const byEnv = new ClientSecretCredential(em.tenantId, 'c1', 's1', { ...common, env });
    const byOption = new ClientSecretCredential(em.tenantId, 'c2', 's2', {
      ...common,
      env: {},
      distributedCache,
    });
    await byEnv.getToken(SCOPE);
    await byOption.getToken(SCOPE);
    expect((await storedKeys('*:token')).sort()).toEqual([
      expect.stringMatching(/^by-option:\{/),
      expect.stringMatching(/^reactive-identity:\{/),
    ]);
  });

  it('gives options with other keys, storage or timings their own process-wide engine', async () => {
    const common = { url: server.url, name: 'fingerprinted' };
    const sealed = { ...common, encryptionKey: key };
    const engineOf = (distributedCache: DistributedCacheOptions) => {
      const manager = getDefaultTokenManager(undefined, { distributedCache });
      teardown.defer(() => manager.close());
      return manager;
    };
    const clear = engineOf({ ...common, unsafeAllowUnencryptedStorage: true, env: {} });
    const engines = [
      clear,
      engineOf(sealed),
      engineOf({ ...sealed, encryptionKey: randomBytes(32) }),
      engineOf({ ...sealed, lockTtlMs: 5_000 }),
      engineOf({ ...sealed, lockWaitMs: 1_000 }),
      engineOf({ ...sealed, timeoutMs: 2_000 }),
      engineOf({ ...common, env: { REACTIVE_IDENTITY_CACHE_KEY: key } }),
    ];
    expect(new Set(engines).size).toBe(engines.length - 1);
    // The key given or found in env is the same key: one engine; so are the same settings anew.
    expect(engines[6]).toBe(engines[1]);
    const hex = Buffer.from(key, 'base64').toString('hex');
    expect(engineOf({ ...common, encryptionKey: hex })).toBe(engines[1]);
    // A credential with a key, after one that stored in clear: its token is encrypted.
    await new FakeCredential(clear, asyncScheduler, 10, 'in-clear').getToken(SCOPE);
    await new FakeCredential(engines[1]!, asyncScheduler, 10, 'sealed').getToken(SCOPE);
    const values = await Promise.all(
      (await storedKeys('fingerprinted:*:token')).map(async (k) => JSON.parse((await raw.get(k))!)),
    );
    expect(values).toHaveLength(2);
    expect(values.filter((v: { token?: unknown }) => typeof v.token === 'string')).toHaveLength(1);
  });

  it("reads the key from the credential's env, not process.env, when it is given one", async () => {
    const previous = process.env.REACTIVE_IDENTITY_CACHE_KEY;
    process.env.REACTIVE_IDENTITY_CACHE_KEY = randomBytes(32).toString('base64');
    teardown.defer(() => {
      if (previous === undefined) delete process.env.REACTIVE_IDENTITY_CACHE_KEY;
      else process.env.REACTIVE_IDENTITY_CACHE_KEY = previous;
    });
    const distributedCache = { url: server.url, name: 'env-key' };
    const byEnv = getDefaultTokenManager(undefined, {
      distributedCache,
      env: { REACTIVE_IDENTITY_CACHE_KEY: key },
    });
    teardown.defer(() => byEnv.close());
    await new FakeCredential(byEnv, asyncScheduler, 10, IDENTITY).getToken(SCOPE);
    // An engine given that key outright reads the token: it was encrypted with it.
    const reader = engine({ name: 'env-key' });
    await reader.credential.getToken(SCOPE);
    expect(reader.credential.requests).toHaveLength(0);
    expect(ofType(reader.events, 'cache-warning')).toEqual([]);
    // And an empty env has no key, whatever process.env holds.
    expect(
      thrown(() => getDefaultTokenManager(undefined, { distributedCache, env: {} })),
    ).toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it("waits for another machine, after the disk lock's wait, well within the sidecar's deadline", () => {
    const { lockWaitMs } = resolveRedisOptions({ url: 'redis://127.0.0.1', encryptionKey: key });
    expect(lockWaitMs).toBe(DEFAULT_REDIS_LOCK_WAIT_MS);
    expect(DEFAULT_LOCK_WAIT_MS + lockWaitMs).toBeLessThanOrEqual(
      (DEFAULT_TOKEN_TIMEOUT_MS * 2) / 3,
    );
  });

  it.each([
    ['a URL of another scheme', { url: 'http://127.0.0.1:6379' }, /redis:\/\/ or rediss:\/\//],
    ['a string that is not a URL', { url: 'redis//nowhere' }, /not a URL/],
    ['no URL', { url: undefined }, /got nothing/],
    [
      'a lock TTL below 100 ms',
      { url: 'redis://127.0.0.1', lockTtlMs: 5 },
      /lockTtlMs must be an integer of at least 100/,
    ],
    ['a bad name', { url: 'redis://127.0.0.1', name: '../x' }, /name may hold only/],
  ])('refuses %s with a typed error', (_what, options, message) => {
    const create = () =>
      new RedisLayer({
        encryptionKey: key,
        scheduler: unrefScheduler,
        ...(options as { url: string }),
      });
    expect(thrown(create)).toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringMatching(message),
    });
  });

  it('refuses to store tokens unencrypted unless told to, and never repeats the URL', () => {
    const url = 'redis://user:hunter2-secret@127.0.0.1:1';
    // A layer that is built connects at once (and retries): each one is closed after the test.
    const create = (options: Partial<DistributedCacheOptions>) =>
      teardown.add(new RedisLayer({ url, env: {}, scheduler: unrefScheduler, ...options }), (l) =>
        l.close(),
      );
    expect(thrown(() => create({}))).toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('REACTIVE_IDENTITY_CACHE_KEY'),
    });
    expect(thrown(() => create({ env: { REACTIVE_IDENTITY_CACHE_KEY: 'short' } }))).toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringMatching(/^REACTIVE_IDENTITY_CACHE_KEY: /),
    });
    const badScheme = thrown(() =>
      create({ url: 'http://user:hunter2-secret@x', encryptionKey: key }),
    );
    expect(badScheme).toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    expect(String((badScheme as Error).message)).not.toContain('hunter2');
    expect(create({ unsafeAllowUnencryptedStorage: true })).toBeInstanceOf(RedisLayer);
  });
});
