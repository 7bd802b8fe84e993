import { LRUCache } from 'lru-cache';
import type { CacheLayer, CachedToken } from './cacheLayer.js';

/** Options of the in-memory layer. */
export interface MemoryLayerOptions {
  /** Most entries kept; the least recently used go first. Default 1000. */
  maxEntries?: number;
  /** The clock (ms) that decides expiry, e.g. `() => Date.now()`; the engine passes its scheduler's. */
  now: () => number;
}

export const DEFAULT_MEMORY_MAX_ENTRIES = 1000;

/**
 * A bounded LRU of tokens in this process. An entry leaves when its token expires, when it is the
 * least recently used past `maxEntries`, or when it is deleted.
 */
export class MemoryLayer implements CacheLayer {
  readonly name = 'memory';
  private readonly entries: LRUCache<string, CachedToken>;
  private readonly now: () => number;

  constructor(options: MemoryLayerOptions) {
    this.entries = new LRUCache({ max: options.maxEntries ?? DEFAULT_MEMORY_MAX_ENTRIES });
    this.now = options.now;
  }

  get(key: string): CachedToken | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresOnTimestamp <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, token: CachedToken): void {
    if (token.expiresOnTimestamp > this.now()) this.entries.set(key, token);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** How many entries are held (expired ones count until read). */
  get size(): number {
    return this.entries.size;
  }

  close(): void {
    this.entries.clear();
  }
}
