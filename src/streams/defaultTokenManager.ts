import { TokenManager } from './tokenManager.js';

// The one piece of module state: the engine that credentials share when none is passed, so a
// service that builds a new credential per request still makes one token request per key.
let shared: TokenManager | undefined;

/** The process-wide engine used by credentials constructed without a `tokenManager`. */
export function getDefaultTokenManager(): TokenManager {
  shared ??= new TokenManager();
  return shared;
}
