/**
 * The interface every cache layer implements: memory now, a lock-guarded disk file and a
 * distributed store later. Results may be synchronous or promised, so a memory hit stays a lookup.
 */

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
   * caller acquires on its own. Only layers shared across processes implement it.
   */
  lockKey?(key: string): Promise<() => Promise<void>>;
  /** Releases files, handles and timers. */
  close?(): MaybePromise<void>;
}

/** Whether a value is a promise (thenable), so callers can stay synchronous otherwise. */
export function isPromiseLike<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}
