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
 * other's refresh tokens.
 */
export class MsalCachePlugin implements ICachePlugin {
  private tail: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  constructor(
    private readonly store: MsalCacheStore,
    private readonly partition: string,
  ) {}

  async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.release = release;
    const serialized = await this.store.read(this.partition);
    if (serialized !== undefined) context.tokenCache.deserialize(serialized);
  }

  async afterCacheAccess(context: TokenCacheContext): Promise<void> {
    try {
      if (context.cacheHasChanged)
        await this.store.write(this.partition, context.tokenCache.serialize());
    } finally {
      const release = this.release;
      this.release = undefined;
      release?.();
    }
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
