import type { CacheLayer, CachedToken, MaybePromise } from './cacheLayer.js';
import { isPromiseLike } from './cacheLayer.js';

/** A lookup's answer: the token and the layer that had it, or a miss. */
export interface CacheLookup {
  token?: CachedToken;
  layer?: string;
}

/** Reports a layer that failed; the cache carries on without it for that call. */
export type LayerFailureHandler = (
  layer: string,
  operation: 'get' | 'set' | 'delete' | 'close' | 'lock',
  error: unknown,
) => void;

/**
 * Layers tried in order (memory first). A hit in a lower layer is copied into the layers above
 * it. A failing layer never fails a lookup or a write: it is reported and skipped, because the
 * credential, not the cache, is the source of truth.
 */
export class LayeredCache {
  constructor(
    readonly layers: readonly CacheLayer[],
    private readonly onFailure: LayerFailureHandler = () => undefined,
  ) {}

  get(key: string, isUsable: (token: CachedToken) => boolean): MaybePromise<CacheLookup> {
    return this.getFrom(0, key, isUsable);
  }

  set(key: string, token: CachedToken): MaybePromise<void> {
    return this.each('set', (layer) => layer.set(key, token));
  }

  delete(key: string): MaybePromise<void> {
    return this.each('delete', (layer) => layer.delete(key));
  }

  /** Whether a layer is shared by several processes and can lock a key across them. */
  get sharedAcrossProcesses(): boolean {
    return this.layers.some((layer) => layer.lockKey !== undefined);
  }

  /**
   * Takes the key's lock in every layer that has one, in order (the machine's disk lock, then the
   * fleet's Redis lock: a machine sends one waiter to Redis). Resolves to the release of those it
   * got (released in reverse), or undefined when none locks. A lock that cannot be had in time is
   * reported, never thrown: the caller then acquires on its own. `accepts` lets a layer stop
   * waiting when another holder's token arrives. Once `signal` aborts (the acquisition was
   * cancelled) the layers stop waiting and no further lock is asked for; the caller still gets
   * the release of those already held, and must call it.
   */
  async lockForAcquisition(
    key: string,
    accepts?: (token: CachedToken) => boolean,
    signal?: AbortSignal,
  ): Promise<(() => Promise<void>) | undefined> {
    const releases: (() => Promise<void>)[] = [];
    for (const layer of this.layers) {
      if (layer.lockKey === undefined) continue;
      if (signal?.aborted === true) break;
      try {
        releases.push(await layer.lockKey(key, accepts, signal));
      } catch (error) {
        this.onFailure(layer.name, 'lock', error);
      }
    }
    if (releases.length === 0) return undefined;
    return async () => {
      for (const release of releases.reverse()) await release();
    };
  }

  /** Closes every layer; one that fails to close is reported and does not keep the others open. */
  async close(): Promise<void> {
    await Promise.all(
      this.layers.map(async (layer) => {
        try {
          await layer.close?.();
        } catch (error) {
          this.onFailure(layer.name, 'close', error);
        }
      }),
    );
  }

  private getFrom(
    index: number,
    key: string,
    isUsable: (token: CachedToken) => boolean,
  ): MaybePromise<CacheLookup> {
    const layer = this.layers[index];
    if (layer === undefined) return {};
    const onHit = (token: CachedToken | undefined): MaybePromise<CacheLookup> => {
      if (token !== undefined && isUsable(token)) {
        for (const upper of this.layers.slice(0, index))
          this.guard(upper, 'set', () => upper.set(key, token));
        return { token, layer: layer.name };
      }
      return this.getFrom(index + 1, key, isUsable);
    };
    let found: MaybePromise<CachedToken | undefined>;
    try {
      found = layer.get(key);
    } catch (error) {
      this.onFailure(layer.name, 'get', error);
      return this.getFrom(index + 1, key, isUsable);
    }
    if (!isPromiseLike(found)) return onHit(found);
    return found.then(onHit, (error: unknown) => {
      this.onFailure(layer.name, 'get', error);
      return this.getFrom(index + 1, key, isUsable);
    });
  }

  private each(
    operation: 'set' | 'delete',
    run: (layer: CacheLayer) => MaybePromise<void>,
  ): MaybePromise<void> {
    const pending = this.layers
      .map((layer) => this.guard(layer, operation, () => run(layer)))
      .filter(isPromiseLike);
    if (pending.length > 0) return Promise.all(pending).then(() => undefined);
  }

  private guard(
    layer: CacheLayer,
    operation: 'get' | 'set' | 'delete',
    run: () => MaybePromise<void>,
  ): MaybePromise<void> {
    try {
      const result = run();
      if (isPromiseLike(result))
        return result.catch((error: unknown) => this.onFailure(layer.name, operation, error));
    } catch (error) {
      this.onFailure(layer.name, operation, error);
    }
  }
}
