import { randomInt } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SchedulerLike } from 'rxjs';
import type { CacheLockOutcome } from '../../telemetry/events.js';
import type { CacheLayerReading } from '../../telemetry/metrics.js';
import type { CacheLayer, CacheLayerEvent, CachedToken } from '../cacheLayer.js';
import { decodeToken, encodeToken } from './redisCodec.js';
import { describe, RedisConnection } from './redisConnection.js';
import { RedisChannels } from './redisChannels.js';
import { RedisHealth } from './redisHealth.js';
import { RedisKeyNames, type RedisNames } from './redisKeys.js';
import { takeFleetLock } from './redisLock.js';
import {
  maxLockHoldMs,
  REDIS_LOCK_POLL_MS,
  resolveRedisOptions,
  type DistributedCacheOptions,
  type ResolvedRedisOptions,
} from './redisOptions.js';

/** Options of a {@link RedisLayer}: the distributed cache's, and the engine's clock and events. */
export interface RedisLayerOptions extends DistributedCacheOptions {
  /** Timers (waits, lock renewals, probes, reconnects); pass the engine's (`manager.services.scheduler`). */
  scheduler: SchedulerLike;
  /** The clock (ms) that decides expiry. Default `scheduler.now()`. */
  now?: () => number;
  /** Jitter of reconnections, in [0, 1). Default: `crypto.randomInt`. */
  random?: () => number;
  /** Told when the layer degrades, recovers, drops an unreadable entry, or a lock is asked for. */
  onEvent?: (event: CacheLayerEvent) => void;
}

/** Deletes a value only if it is still the one that could not be read. */
const DROP = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`;

/**
 * Tokens in Redis, shared by every machine of a fleet, below memory and disk. Each token is one
 * key (a one-way hash of the engine's key) holding the AES-256-GCM encrypted token, expiring with
 * it (`PX`). A miss takes the key's lock across the fleet ({@link takeFleetLock}), so N machines
 * starting together make one token request. Any failure (Redis down, slow, restarted, failed
 * over) makes the layer a miss until Redis answers again: it never fails an acquisition.
 *
 * @example
 * ```ts
 * const redis = new RedisLayer({ url: 'redis://127.0.0.1:6379', scheduler, encryptionKey });
 * new TokenManager({ scheduler, cacheLayers: [new MemoryLayer({ now }), redis] });
 * ```
 */
export class RedisLayer implements CacheLayer {
  readonly name = 'redis';
  private readonly options: ResolvedRedisOptions;
  private readonly names: RedisKeyNames;
  private readonly commands: RedisConnection;
  private readonly subscriber: RedisConnection;
  private readonly channels: RedisChannels;
  private readonly health: RedisHealth;
  private readonly now: () => number;
  private readonly scheduler: SchedulerLike;
  private readonly emit: (event: CacheLayerEvent) => void;
  private readonly lookups = { hit: 0, miss: 0, dropped: 0, skipped: 0, error: 0 };
  private readonly locks = new Map<CacheLockOutcome, { count: number; waitedMs: number }>();
  private readonly firstUse: Promise<unknown>;
  private closed = false;

  constructor(options: RedisLayerOptions) {
    this.options = resolveRedisOptions(options);
    const { scheduler } = options;
    this.scheduler = scheduler;
    this.now = options.now ?? (() => scheduler.now());
    this.emit = options.onEvent ?? (() => undefined);
    const random = options.random ?? (() => randomInt(1_000_000) / 1_000_000);
    this.names = new RedisKeyNames(this.options.keyPrefix, this.options.name, this.options.key);
    this.health = new RedisHealth(this.now, scheduler, () => this.ping(), {
      onDegraded: (operation, message) =>
        this.emit({ type: 'degraded', layer: this.name, operation, message }),
      onRecovered: (degradedMs) => this.emit({ type: 'recovered', layer: this.name, degradedMs }),
    });
    this.commands = new RedisConnection(this.options, scheduler, random, {
      onReady: () => this.health.connectionReady(),
      onDown: (reason) => this.health.failed('connection', this.lostMessage(reason)),
    });
    this.subscriber = new RedisConnection(this.options, scheduler, random, {
      onReady: () => this.channels.resubscribe(),
      onDown: () => undefined,
    });
    this.channels = new RedisChannels(this.subscriber, this.options.timeoutMs);
    // Connect now, in the background: by the first lookup the connections are usually up.
    this.firstUse = Promise.all([
      this.commands.whenReady(this.options.timeoutMs),
      this.subscriber.whenReady(this.options.timeoutMs),
    ]);
  }

  async get(key: string): Promise<CachedToken | undefined> {
    const client = await this.client();
    if (client === undefined) {
      this.lookups.skipped++;
      return undefined;
    }
    const token = await this.read(this.names.of(key), client);
    if (token === undefined || token.expiresOnTimestamp <= this.now()) return undefined;
    return token;
  }

  async set(key: string, token: CachedToken): Promise<void> {
    const ttl = Math.floor(token.expiresOnTimestamp - this.now());
    const client = ttl > 0 ? await this.client() : undefined;
    if (client === undefined) return;
    const names = this.names.of(key);
    const value = encodeToken(token, this.options.key, names.aad);
    // One round trip: the token, then the wake-up of the machines waiting for it.
    const replies = await client
      .pipeline()
      .set(names.token, value, 'PX', ttl)
      .publish(names.channel, 'token')
      .exec()
      .catch((error: unknown) => [[error]]);
    const failure = replies?.find(([error]) => error !== null)?.[0];
    if (failure !== undefined) this.failed('set', failure);
  }

  async delete(key: string): Promise<void> {
    const client = await this.client();
    await client
      ?.del(this.names.of(key).token)
      .catch((error: unknown) => this.failed('delete', error));
  }

  /**
   * The key's lock across the fleet: resolves to its release once held, or to a no-op when a
   * token `accepts` takes arrived meanwhile, the wait outlasted `lockWaitMs`, or Redis failed (the
   * engine then re-reads and acquires on its own), or once `signal` aborts. Never rejects.
   */
  async lockKey(
    key: string,
    accepts?: (token: CachedToken) => boolean,
    signal?: AbortSignal,
  ): Promise<() => Promise<void>> {
    await this.client();
    const { lockTtlMs, lockWaitMs } = this.options;
    const { outcome, waitedMs, release } = await takeFleetLock(
      {
        client: () => this.usable(),
        channels: this.channels,
        scheduler: this.scheduler,
        now: this.now,
        lockTtlMs,
        lockWaitMs,
        maxHoldMs: maxLockHoldMs(this.options),
        pollMs: Math.min(REDIS_LOCK_POLL_MS, Math.ceil(lockTtlMs / 4)),
        read: async (names) => {
          const client = this.usable();
          return client === undefined ? undefined : this.read(names, client);
        },
        failed: (operation, error) => this.failed(operation, error),
        warn: (message) => this.emit({ type: 'warning', layer: this.name, message }),
      },
      this.names.of(key),
      accepts,
      signal,
    );
    // A wait its caller gave up on has no outcome to report.
    if (outcome === 'cancelled') return release;
    const counts = this.locks.get(outcome) ?? { count: 0, waitedMs: 0 };
    counts.count++;
    counts.waitedMs += waitedMs;
    this.locks.set(outcome, counts);
    this.emit({ type: 'lock', layer: this.name, key, outcome, waitedMs });
    return release;
  }

  readings(): CacheLayerReading {
    return {
      layer: this.name,
      lookups: { ...this.lookups },
      locks: Object.fromEntries([...this.locks].map(([outcome, c]) => [outcome, { ...c }])),
      degradedMs: this.health.degradedMs(),
      degraded: !this.health.healthy,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.health.close();
    await Promise.all([this.commands.close(), this.subscriber.close()]);
  }

  /**
   * The client when Redis is usable. Until the first connection attempt has ended (within
   * `timeoutMs` of the layer's construction), calls wait for it, so a process's first lookup is
   * not a miss by a hair; later ones never wait.
   */
  private async client(): Promise<Redis | undefined> {
    if (this.closed) return undefined;
    await this.firstUse;
    return this.usable();
  }

  private usable(): Redis | undefined {
    if (this.closed || !this.health.healthy) return undefined;
    const client = this.commands.current();
    if (client === undefined)
      this.health.failed('connection', this.lostMessage(this.commands.reason));
    return client;
  }

  private async read(names: RedisNames, client: Redis): Promise<CachedToken | undefined> {
    let text: string | null;
    try {
      text = await client.get(names.token);
    } catch (error) {
      this.lookups.error++;
      this.failed('get', error);
      return undefined;
    }
    if (text === null) {
      this.lookups.miss++;
      return undefined;
    }
    const decoded = decodeToken(text, this.options.key, names.aad);
    if ('token' in decoded) {
      this.lookups.hit++;
      return decoded.token;
    }
    this.lookups.dropped++;
    this.emit({
      type: 'warning',
      layer: this.name,
      message: `Dropped a Redis cache entry that ${decoded.problem}; it counts as a miss.`,
    });
    void client.eval(DROP, 1, names.token, text).catch(() => undefined);
    return undefined;
  }

  /**
   * Whether Redis takes a write again: a replica (an old primary after a failover) answers reads
   * and PING but refuses writes, and sharing needs both.
   */
  private async ping(): Promise<boolean> {
    const client = this.commands.current();
    if (client === undefined) return false;
    const probe = `${this.options.keyPrefix}health`;
    return (await client.set(probe, '1', 'PX', 1_000).catch(() => undefined)) === 'OK';
  }

  private failed(operation: string, error: unknown): void {
    const message = describe(error);
    const slow = /timed out/i.test(message);
    this.health.failed(
      operation,
      slow
        ? `Redis at ${this.options.target} did not answer within ${this.options.timeoutMs} ms; carrying on without it.`
        : `Redis at ${this.options.target} failed (${message}); carrying on without it.`,
    );
  }

  private lostMessage(reason: string): string {
    return `Redis at ${this.options.target} is unreachable (${reason}); carrying on without it until it is back.`;
  }
}
