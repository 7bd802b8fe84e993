import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { SchedulerLike } from 'rxjs';
import type { CacheLayer } from '../cache/cacheLayer.js';
import type { MsalCacheStore } from '../cache/msalCacheStore.js';
import type { PersistenceOptions } from '../cache/persistenceOptions.js';
import type { DistributedCacheOptions } from '../cache/redis/redisOptions.js';
import type { EventLoopHold, RandomSource } from './clock.js';
import type { RefreshPolicyOptions } from './policy/refreshPolicy.js';

/** Options of a {@link TokenManager}; each field's default is documented. */
export interface TokenManagerOptions extends RefreshPolicyOptions {
  /** Time source and timers. Default: the wall clock, with timers that never keep Node alive. */
  scheduler?: SchedulerLike;
  /** Jitter source. Default `Math.random`. */
  random?: RandomSource;
  /**
   * What keeps the process alive while a caller waits for a token (a `getToken` that is not a
   * cache hit, a `token$` subscriber before its first token). Default: a ref'd idle timer while
   * anyone waits. The engine's own timers never hold the process.
   */
  eventLoopHold?: EventLoopHold;
  /** How long a key keeps refreshing after its last subscriber or `getToken`. Default 10 min. */
  keepWarmMs?: number;
  /** Cache layers, first tried first. Default: one {@link MemoryLayer} of 1000 entries. */
  cacheLayers?: CacheLayer[];
  /** Where spans go. Default: the global OpenTelemetry tracer provider. */
  tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global OpenTelemetry meter provider. */
  meterProvider?: MeterProvider;
  /**
   * Where MSAL keeps accounts and refresh tokens for user credentials, shared by every credential
   * on this engine. Default: in this process's memory.
   */
  msalCacheStore?: MsalCacheStore;
  /**
   * Adds the disk layer under the memory one and keeps MSAL's accounts on disk too, shared by
   * every process of the user (see {@link PersistenceOptions}). Ignored when `cacheLayers` or
   * `msalCacheStore` are given.
   */
  persistence?: PersistenceOptions;
  /**
   * Adds the Redis layer under memory (and disk): tokens shared by every machine of a fleet, one
   * token request per key per refresh window across all of them (see
   * {@link DistributedCacheOptions}). Ignored when `cacheLayers` is given.
   */
  distributedCache?: DistributedCacheOptions;
}

export const DEFAULT_KEEP_WARM_MS = 10 * 60_000;
