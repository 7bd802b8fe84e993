/**
 * The interface every cache layer implements: memory, a lock-guarded disk file, Redis. Results may
 * be synchronous or promised, so a memory hit stays a lookup.
 */
import type { CacheLockOutcome } from '../telemetry/events.js';
import type { CacheLayerReading } from '../telemetry/metrics.js';

/** A cached token, as the engine stores it. Mirrors the engine's record without importing it. */
export interface CachedToken {
  token: string;
  expiresOnTimestamp: number;
  refreshAfterTimestamp?: number;
  tokenType?: 'Bearer' | 'pop';
  obtainedAt: number;
}

/** A value now or later. Layers that need I/O return promises; memory answers at once. */
export type MaybePromise<T> = T | Promise<T>;

/** One layer of the token cache, keyed by the engine's stream key (never by a secret). */
export interface CacheLayer {
  /** A short name used in events, spans and metrics: `memory`, `disk`, ... */
  readonly name: string;
  get(key: string): MaybePromise<CachedToken | undefined>;
  set(key: string, token: CachedToken): MaybePromise<void>;
  delete(key: string): MaybePromise<void>;
  /**
   * Cross-process single flight: hold while acquiring; the engine re-reads after taking it.
   * Resolves to the release once this process holds the key's lock (shared with every process
   * using the same store); rejects with a typed error when it cannot be had in time, so the
   * caller acquires on its own. Only layers shared across processes implement it. A layer that
   * sees the holder's token arrive may resolve early, without the lock, once `accepts` takes it:
   * the engine's re-read then finds it. When `signal` aborts (the acquisition was cancelled), a
   * layer may stop waiting and resolve early, without the lock; a release it resolves to is
   * always called.
   */
  lockKey?(
    key: string,
    accepts?: (token: CachedToken) => boolean,
    signal?: AbortSignal,
  ): Promise<() => Promise<void>>;
  /** The counts a layer keeps of itself (lookups, lock waits, degraded time), for metrics. */
  readings?(): CacheLayerReading;
  /** Releases files, handles and timers. */
  close?(): MaybePromise<void>;
}

/**
 * What a layer reports about itself, besides operations that failed: it degraded (the engine
 * carries on without it) or recovered, it dropped an unreadable entry, or a key's lock was asked
 * for (`key` is the engine's key, never sent anywhere).
 */
export type CacheLayerEvent =
  | { type: 'degraded'; layer: string; operation: string; message: string }
  | { type: 'recovered'; layer: string; degradedMs: number }
  | { type: 'warning'; layer: string; message: string }
  | { type: 'lock'; layer: string; key: string; outcome: CacheLockOutcome; waitedMs: number };

/** Whether a value is a promise (thenable), so callers can stay synchronous otherwise. */
export function isPromiseLike<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}
