import { cacheFingerprint } from '../cache/cacheFingerprint.js';
import type { PersistenceOptions } from '../cache/persistenceOptions.js';
import { distributedCacheFrom, type DistributedCacheOptions } from '../cache/redis/redisOptions.js';
import { TokenManager } from './tokenManager.js';

/** The persistent cache switch of `@azure/identity`, with this library's disk options. */
export interface TokenCachePersistenceOptions extends PersistenceOptions {
  /** Keeps tokens (and MSAL's accounts) on disk, shared by every process of the user. */
  enabled: boolean;
}

/** How the process-wide engine is chosen besides the disk cache. */
export interface DefaultTokenManagerOptions {
  /** The Redis layer. Default: one on `REACTIVE_IDENTITY_REDIS_URL` when that is set, else none. */
  distributedCache?: DistributedCacheOptions;
  /**
   * Read for `REACTIVE_IDENTITY_REDIS_URL`, the Redis layer's key, and the disk layer's key and
   * default directory (unless `persistence.env` says otherwise). Default `process.env`.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

// The one piece of module state: the engines that credentials share when none is passed, so a
// service that builds a new credential per request still makes one token request per key; one
// engine for memory only and one per set of cache settings (see `cacheFingerprint`).
let shared: TokenManager | undefined;
const configured = new Map<string, TokenManager>();

/**
 * The process-wide engine used by credentials constructed without a `tokenManager`: memory only,
 * or with the disk layer of the named persistent cache when `persistence.enabled`, and with the
 * Redis layer when `distributedCache` is given or `REACTIVE_IDENTITY_REDIS_URL` is set.
 *
 * @example
 * ```ts
 * // REACTIVE_IDENTITY_REDIS_URL=redis://cache.internal:6379 and REACTIVE_IDENTITY_CACHE_KEY set:
 * getDefaultTokenManager(); // the engine every credential without a tokenManager shares
 * ```
 */
export function getDefaultTokenManager(
  persistence?: TokenCachePersistenceOptions,
  options: DefaultTokenManagerOptions = {},
): TokenManager {
  // The disk layer reads its key and default directory from the credential's env, as Redis does.
  const disk =
    persistence?.enabled === true
      ? { ...persistence, env: persistence.env ?? options.env }
      : undefined;
  const redis = distributedCacheFrom(options.distributedCache, options.env ?? process.env);
  // A process-wide engine someone closed is replaced: credentials built afterwards must work.
  if (disk === undefined && redis === undefined) {
    if (shared === undefined || shared.isClosed) shared = new TokenManager();
    return shared;
  }
  // Every setting counts, keys included (one-way): a credential with an encryption key never
  // lands on an engine built for one that allowed unencrypted storage, or other lock timings.
  const id = cacheFingerprint(disk, redis);
  let manager = configured.get(id);
  if (manager === undefined || manager.isClosed) {
    manager = new TokenManager({ persistence: disk, distributedCache: redis });
    configured.set(id, manager);
  }
  return manager;
}
