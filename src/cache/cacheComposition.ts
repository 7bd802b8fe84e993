import type { CacheLayer } from './cacheLayer.js';
import { DiskLayer } from './diskLayer.js';
import { DiskMsalCacheStore } from './diskMsalCacheStore.js';
import { LayeredCache } from './layeredCache.js';
import { MemoryLayer } from './memoryLayer.js';
import { MsalCaches, type MsalCacheStore } from './msalCacheStore.js';
import type { PersistenceOptions } from './persistenceOptions.js';

/** What an engine's caches are made of; see `TokenManagerOptions` for each field. */
export interface CacheCompositionOptions {
  cacheLayers?: CacheLayer[];
  msalCacheStore?: MsalCacheStore;
  persistence?: PersistenceOptions;
  /** The engine's clock, for entry expiry in the default layers. */
  now: () => number;
  /** A layer failed (or warned) and the caches carry on without it. */
  onDegraded(layer: string, operation: string, message: string): void;
}

/** An engine's token layers and MSAL account caches. */
export interface ComposedCaches {
  tokens: LayeredCache;
  msal: MsalCaches;
}

/**
 * The caches of one engine: the given layers, or memory (then disk with `persistence`); MSAL's
 * accounts in the given store, or on disk with `persistence`, or in memory.
 */
export function composeCaches(options: CacheCompositionOptions): ComposedCaches {
  const { persistence, now } = options;
  const warn = (message: string): void => options.onDegraded('disk', 'warning', message);
  const layers = options.cacheLayers ?? [
    new MemoryLayer({ now }),
    ...(persistence === undefined ? [] : [new DiskLayer({ onWarning: warn, ...persistence, now })]),
  ];
  const tokens = new LayeredCache(layers, (layer, operation, error) =>
    options.onDegraded(layer, operation, error instanceof Error ? error.message : String(error)),
  );
  const store =
    options.msalCacheStore ??
    (persistence === undefined
      ? undefined
      : new DiskMsalCacheStore({ onWarning: warn, ...persistence }));
  return { tokens, msal: new MsalCaches(store) };
}
