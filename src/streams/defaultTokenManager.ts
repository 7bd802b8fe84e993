import type { PersistenceOptions } from '../cache/persistenceOptions.js';
import { TokenManager } from './tokenManager.js';

/** The persistent cache switch of `@azure/identity`, with this library's disk options. */
export interface TokenCachePersistenceOptions extends PersistenceOptions {
  /** Keeps tokens (and MSAL's accounts) on disk, shared by every process of the user. */
  enabled: boolean;
}

// The one piece of module state: the engines that credentials share when none is passed, so a
// service that builds a new credential per request still makes one token request per key; one
// engine for memory only and one per persistent cache (name and directory).
let shared: TokenManager | undefined;
const persistent = new Map<string, TokenManager>();

/**
 * The process-wide engine used by credentials constructed without a `tokenManager`: memory only,
 * or with the disk layer of the named persistent cache when `persistence.enabled`.
 */
export function getDefaultTokenManager(persistence?: TokenCachePersistenceOptions): TokenManager {
  if (persistence?.enabled !== true) {
    shared ??= new TokenManager();
    return shared;
  }
  const id = `${persistence.name ?? ''}|${persistence.directory ?? ''}`;
  let manager = persistent.get(id);
  if (manager === undefined) {
    manager = new TokenManager({ persistence });
    persistent.set(id, manager);
  }
  return manager;
}
