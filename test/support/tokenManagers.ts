import { TokenManager, type TokenManagerOptions } from '../../src/index.js';

/**
 * The token managers a test file makes, closed together: in `afterAll` (before the emulator they
 * talk to stops) or in `afterEach`, so a failing assertion never leaves one running.
 */
export class TokenManagers {
  readonly #defaults: TokenManagerOptions;
  readonly #open: TokenManager[] = [];

  /** @param defaults - Options every manager of the pool starts from. */
  constructor(defaults: TokenManagerOptions = {}) {
    this.#defaults = defaults;
  }

  /** A new manager with the pool's defaults, then `options`; `closeAll` closes it. */
  create(options: TokenManagerOptions = {}): TokenManager {
    const manager = new TokenManager({ ...this.#defaults, ...options });
    this.#open.push(manager);
    return manager;
  }

  /** Closes every manager made so far, all at once, and forgets them. */
  async closeAll(): Promise<void> {
    await Promise.all(this.#open.splice(0).map((manager) => manager.close()));
  }
}
