import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';

/**
 * Where MSAL's own cache (accounts, id tokens, refresh tokens) lives between calls, by partition
 * (client id and CAE flag, as the anchor's `<name>.cae` / `<name>.nocae` files). Sharing it is
 * what lets a second credential built from an `AuthenticationRecord` refresh silently. This one is
 * in memory; a lock-guarded disk store implements the same interface.
 */
export interface MsalCacheStore {
  read(partition: string): Promise<string | undefined>;
  write(partition: string, serialized: string): Promise<void>;
  /**
   * Cross-process lock of a partition, for stores shared by several processes. The plugin holds
   * it from `beforeCacheAccess` to `afterCacheAccess` (after its in-process mutex), so MSAL's
   * read-modify-write of the partition is atomic across processes. Resolves to its release;
   * rejects when it cannot be had, and the plugin then leaves the store alone for that access.
   */
  lock?(partition: string): Promise<() => Promise<void>>;
}

/** MSAL caches held in this process's memory. */
export class MemoryMsalCacheStore implements MsalCacheStore {
  private readonly partitions = new Map<string, string>();

  async read(partition: string): Promise<string | undefined> {
    return this.partitions.get(partition);
  }

  async write(partition: string, serialized: string): Promise<void> {
    this.partitions.set(partition, serialized);
  }
}

/**
 * An MSAL cache plugin over a store partition. MSAL brackets every cache access with
 * `beforeCacheAccess` and `afterCacheAccess`; the plugin holds a lock between the two so that
 * concurrent operations of several MSAL applications on one partition never overwrite each
 * other's refresh tokens: an in-process mutex, then the store's cross-process `lock` when it has
 * one. When that lock cannot be had, the access runs on MSAL's in-memory cache alone (neither
 * read nor written), so a busy or broken disk never fails an acquisition nor writes unlocked.
 */
export class MsalCachePlugin implements ICachePlugin {
  private tail: Promise<void> = Promise.resolve();
  private release: (() => Promise<void>) | undefined;
  private detached = false;

  constructor(
    private readonly store: MsalCacheStore,
    private readonly partition: string,
  ) {}

  async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
    const previous = this.tail;
    let unlock!: () => void;
    this.tail = new Promise<void>((resolve) => (unlock = resolve));
    await previous;
    const crossProcess = await this.lockStore();
    this.detached = crossProcess === null;
    this.release = async () => {
      try {
        await crossProcess?.();
      } finally {
        unlock();
      }
    };
    if (this.detached) return;
    try {
      const serialized = await this.store.read(this.partition);
      if (serialized !== undefined) context.tokenCache.deserialize(serialized);
    } catch (error) {
      await this.releaseAll();
      throw error;
    }
  }

  async afterCacheAccess(context: TokenCacheContext): Promise<void> {
    try {
      if (context.cacheHasChanged && !this.detached)
        await this.store.write(this.partition, context.tokenCache.serialize());
    } finally {
      await this.releaseAll();
    }
  }

  /** The store's lock release; undefined when it has no lock; null when locking failed. */
  private async lockStore(): Promise<(() => Promise<void>) | undefined | null> {
    if (this.store.lock === undefined) return undefined;
    try {
      return await this.store.lock(this.partition);
    } catch {
      return null;
    }
  }

  private async releaseAll(): Promise<void> {
    const release = this.release;
    this.release = undefined;
    this.detached = false;
    await release?.().catch(() => undefined);
  }
}

/** One plugin (one lock) per partition, shared by every MSAL application that uses it. */
export class MsalCaches {
  private readonly plugins = new Map<string, MsalCachePlugin>();

  constructor(readonly store: MsalCacheStore = new MemoryMsalCacheStore()) {}

  plugin(partition: string): MsalCachePlugin {
    let plugin = this.plugins.get(partition);
    if (plugin === undefined) {
      plugin = new MsalCachePlugin(this.store, partition);
      this.plugins.set(partition, plugin);
    }
    return plugin;
  }
}
