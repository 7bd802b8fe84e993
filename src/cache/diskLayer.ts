import type { CacheLayer, CachedToken } from './cacheLayer.js';
import { LockedFileStore, type StoreEntries } from './lockedFileStore.js';
import { createStore, DEFAULT_CACHE_NAME, type PersistenceOptions } from './persistenceOptions.js';

/** Options of the disk layer: where and how its file is kept, and the clock that decides expiry. */
export interface DiskLayerOptions extends PersistenceOptions {
  /** The clock (ms) that decides expiry; the engine passes its scheduler's. */
  now: () => number;
  /**
   * Whether a wait for another process's key lock keeps Node alive. Default true. The engine
   * passes false: it holds the process for its waiting callers, and a background refresh waiting
   * on the lock must not.
   */
  holdProcessWhileLocked?: boolean;
}

/**
 * Tokens in one lock-guarded, encrypted file (`<directory>/<name>.json`, mode 0600 in a 0700
 * folder) shared by every process of the user. Reads are unlocked (writes replace the file
 * atomically); writes lock, re-read, change one entry, prune expired ones and write back.
 * `lockKey` gives cross-process single flight for an acquisition.
 *
 * @example
 * ```ts
 * const disk = new DiskLayer({ now: () => Date.now(), encryptionKey: process.env.MY_KEY });
 * const cache = new LayeredCache([new MemoryLayer({ now }), disk]);
 * ```
 */
export class DiskLayer implements CacheLayer {
  readonly name = 'disk';
  /** The file store underneath (for its `path`). */
  readonly store: LockedFileStore;
  private readonly now: () => number;
  private readonly holdProcess: boolean;

  constructor(options: DiskLayerOptions) {
    this.now = options.now;
    this.holdProcess = options.holdProcessWhileLocked ?? true;
    this.store = createStore(
      options,
      options.name ?? DEFAULT_CACHE_NAME,
      (storeOptions) => new LockedFileStore(storeOptions),
    );
  }

  async get(key: string): Promise<CachedToken | undefined> {
    const entry = (await this.store.read())[key];
    return isCachedToken(entry) && entry.expiresOnTimestamp > this.now()
      ? toCachedToken(entry)
      : undefined;
  }

  async set(key: string, token: CachedToken): Promise<void> {
    await this.store.update((entries) => {
      this.prune(entries);
      if (token.expiresOnTimestamp > this.now()) entries[key] = toCachedToken(token);
    });
  }

  async delete(key: string): Promise<void> {
    await this.store.update((entries) => {
      delete entries[key];
    });
  }

  /**
   * Cross-process single flight: hold while acquiring; the engine re-reads after taking it.
   * Rejects with `CacheLockTimeoutError` after `lockWaitMs`; stops waiting (without the lock)
   * once `signal` fires.
   */
  lockKey(
    key: string,
    accepts?: (token: CachedToken) => boolean,
    signal?: AbortSignal,
  ): Promise<() => Promise<void>> {
    // Not polled: a holder writes its token and releases at once, so the lock comes as soon.
    void accepts;
    return this.store.lockKey(key, { signal, holdProcess: this.holdProcess });
  }

  /** Waits for reads and writes in flight; the layer cannot be used afterwards. */
  close(): Promise<void> {
    return this.store.close();
  }

  private prune(entries: StoreEntries): void {
    const now = this.now();
    for (const [key, entry] of Object.entries(entries))
      if (!isCachedToken(entry) || entry.expiresOnTimestamp <= now) delete entries[key];
  }
}

/** Whether a stored value is a well-formed {@link CachedToken}. */
export function isCachedToken(value: unknown): value is CachedToken {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.token === 'string' &&
    Number.isFinite(v.expiresOnTimestamp) &&
    Number.isFinite(v.obtainedAt) &&
    (v.refreshAfterTimestamp === undefined || Number.isFinite(v.refreshAfterTimestamp)) &&
    (v.tokenType === undefined || v.tokenType === 'Bearer' || v.tokenType === 'pop')
  );
}

/** A copy of a token with exactly the fields of {@link CachedToken}: no stray field is stored. */
export function toCachedToken(token: CachedToken): CachedToken {
  const copy: CachedToken = {
    token: token.token,
    expiresOnTimestamp: token.expiresOnTimestamp,
    obtainedAt: token.obtainedAt,
  };
  if (token.refreshAfterTimestamp !== undefined)
    copy.refreshAfterTimestamp = token.refreshAfterTimestamp;
  if (token.tokenType !== undefined) copy.tokenType = token.tokenType;
  return copy;
}
