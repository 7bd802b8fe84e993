import type { SchedulerLike } from 'rxjs';
import type { TokenEvent } from '../telemetry/events.js';
import type { CacheLayerReading } from '../telemetry/metrics.js';
import { redact } from '../telemetry/redact.js';
import type { CacheLayer, CacheLayerEvent } from './cacheLayer.js';
import { DiskLayer } from './diskLayer.js';
import { DiskMsalCacheStore } from './diskMsalCacheStore.js';
import { LayeredCache } from './layeredCache.js';
import { MemoryLayer } from './memoryLayer.js';
import { MsalCaches, type MsalCacheStore } from './msalCacheStore.js';
import type { PersistenceOptions } from './persistenceOptions.js';
import { RedisLayer } from './redis/redisLayer.js';
import type { DistributedCacheOptions } from './redis/redisOptions.js';

/** What an engine's caches are made of; see `TokenManagerOptions` for each field. */
export interface CacheCompositionOptions {
  cacheLayers?: CacheLayer[];
  msalCacheStore?: MsalCacheStore;
  persistence?: PersistenceOptions;
  distributedCache?: DistributedCacheOptions;
  /** The engine's clock, for entry expiry in the default layers. */
  now: () => number;
  /** The engine's timers and jitter, for the Redis layer's waits, probes and reconnections. */
  scheduler: SchedulerLike;
  random: () => number;
  /** A layer failed, warned, recovered, or a key's lock was asked for. */
  onEvent(event: CacheLayerEvent): void;
}

/** An engine's token layers and MSAL account caches. */
export interface ComposedCaches {
  tokens: LayeredCache;
  msal: MsalCaches;
  /** The counts of the layers that keep their own, for metrics. */
  readings(): CacheLayerReading[];
}

/**
 * The caches of one engine: the given layers, or memory (then disk with `persistence`, then Redis
 * with `distributedCache`); MSAL's accounts in the given store, or on disk with `persistence`, or
 * in memory (Redis holds access tokens only: accounts and refresh tokens stay on the machine).
 */
export function composeCaches(options: CacheCompositionOptions): ComposedCaches {
  const { persistence, distributedCache, now, scheduler, random, onEvent } = options;
  const warn = (message: string): void =>
    onEvent({ type: 'degraded', layer: 'disk', operation: 'warning', message });
  const layers: CacheLayer[] = options.cacheLayers ?? [
    new MemoryLayer({ now }),
    // The engine holds the process for its waiting callers: its lock waits need not.
    ...(persistence === undefined
      ? []
      : [new DiskLayer({ onWarning: warn, ...persistence, now, holdProcessWhileLocked: false })]),
    ...(distributedCache === undefined
      ? []
      : [new RedisLayer({ ...distributedCache, now, scheduler, random, onEvent })]),
  ];
  const tokens = new LayeredCache(layers, (layer, operation, error) =>
    onEvent({
      type: 'degraded',
      layer,
      operation,
      message: error instanceof Error ? error.message : String(error),
    }),
  );
  const store =
    options.msalCacheStore ??
    (persistence === undefined
      ? undefined
      : new DiskMsalCacheStore({ onWarning: warn, ...persistence }));
  const readings = () => layers.flatMap((layer) => layer.readings?.() ?? []);
  return { tokens, msal: new MsalCaches(store), readings };
}

/** What an event about one of the engine's keys says of it (a stream key has these fields). */
export interface EventKeyFields {
  label: string;
  credential: string;
  identity: string;
}

/** The engine event of a layer's event; key fields are `-` unless it concerns a known key. */
export function layerTokenEvent(
  event: CacheLayerEvent,
  at: number,
  key: EventKeyFields = { label: '-', credential: '-', identity: '-' },
): TokenEvent {
  const base = { at, key: key.label, credential: key.credential, identity: key.identity };
  switch (event.type) {
    case 'degraded':
      return { ...base, ...event, type: 'cache-degraded', message: redact(event.message) };
    case 'recovered':
      return { ...base, ...event, type: 'cache-recovered' };
    case 'warning':
      return { ...base, ...event, type: 'cache-warning', message: redact(event.message) };
    case 'lock': {
      const { layer, outcome, waitedMs } = event;
      return { ...base, type: 'cache-lock', layer, outcome, waitedMs };
    }
  }
}
