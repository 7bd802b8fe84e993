import { createHash } from 'node:crypto';
import { ClosedError } from '../errors.js';
import { describeError } from '../errors.js';
import { LockedFileStore } from './lockedFileStore.js';
import type { MsalCacheStore } from './msalCacheStore.js';
import { createStore, DEFAULT_CACHE_NAME, type PersistenceOptions } from './persistenceOptions.js';

/** Options of the disk MSAL cache store; `name` prefixes each partition's file. */
export type DiskMsalCacheStoreOptions = PersistenceOptions;

const SERIALIZED = 'serialized';
const PARTITION_LOCK = 'msal-partition';

/**
 * MSAL's serialized caches (accounts, refresh tokens) on disk, one lock-guarded, encrypted file
 * per partition: `<name>.msal.<first 16 hex of sha256(partition)>.json`. `lock` is held by the
 * MSAL cache plugin from `beforeCacheAccess` to `afterCacheAccess`, so MSAL's read-modify-write of
 * a partition is atomic across processes, as msal-node-extensions' PersistenceCachePlugin does.
 * Disk failures are reported through `onWarning` and degrade to MSAL's in-memory cache.
 *
 * @example
 * ```ts
 * const manager = new TokenManager({ msalCacheStore: new DiskMsalCacheStore({ encryptionKey }) });
 * ```
 */
export class DiskMsalCacheStore implements MsalCacheStore {
  private readonly stores = new Map<string, LockedFileStore>();
  private readonly cacheName: string;
  private readonly warn: (message: string) => void;
  private closed = false;

  /** Validates the options (and the key) at once; files are created on first use. */
  constructor(private readonly options: DiskMsalCacheStoreOptions = {}) {
    this.cacheName = options.name ?? DEFAULT_CACHE_NAME;
    this.warn = options.onWarning ?? (() => undefined);
    // A throwaway store refuses a bad name or key now rather than on first use (no I/O yet).
    createStore(
      options,
      `${this.cacheName}.msal`,
      (storeOptions) => new LockedFileStore(storeOptions),
    );
  }

  /** The partition's serialized cache, or undefined when there is none or it cannot be read. */
  async read(partition: string): Promise<string | undefined> {
    try {
      const value = (await this.storeFor(partition).read())[SERIALIZED];
      return typeof value === 'string' ? value : undefined;
    } catch (error) {
      this.warn(`Could not read the MSAL cache from disk (${describeError(error)}); using memory.`);
      return undefined;
    }
  }

  /** Replaces the partition's serialized cache; a failure is reported, never thrown. */
  async write(partition: string, serialized: string): Promise<void> {
    try {
      await this.storeFor(partition).update((entries) => {
        entries[SERIALIZED] = serialized;
      });
    } catch (error) {
      this.warn(`Could not write the MSAL cache to disk (${describeError(error)}).`);
    }
  }

  /**
   * Takes the partition's cross-process lock (not the file's, so `write` can run while it is
   * held). Rejects with a typed error, after reporting it, when it cannot be had in time.
   */
  async lock(partition: string): Promise<() => Promise<void>> {
    try {
      return await this.storeFor(partition).lockKey(PARTITION_LOCK);
    } catch (error) {
      this.warn(`Could not lock the MSAL cache on disk (${describeError(error)}); using memory.`);
      throw error;
    }
  }

  /** The file that holds a partition. */
  pathOf(partition: string): string {
    return this.storeFor(partition).path;
  }

  /** Waits for the operations in flight of every partition; later calls fail (and are reported). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.stores.values()].map((store) => store.close()));
  }

  private storeFor(partition: string): LockedFileStore {
    if (this.closed) throw new ClosedError('The MSAL cache store is closed.');
    let store = this.stores.get(partition);
    if (store === undefined) {
      const digest = createHash('sha256').update(partition).digest('hex').slice(0, 16);
      store = createStore(
        this.options,
        `${this.cacheName}.msal.${digest}`,
        (storeOptions) => new LockedFileStore(storeOptions),
      );
      this.stores.set(partition, store);
    }
    return store;
  }
}
