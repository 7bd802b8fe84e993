import type { CacheLayer, CachedToken, MaybePromise } from '../../src/cache/cacheLayer.js';
import { isPromiseLike } from '../../src/cache/cacheLayer.js';
import { LayeredCache, type LayerFailureHandler } from '../../src/cache/layeredCache.js';
import { MemoryLayer } from '../../src/cache/memoryLayer.js';
import { T0, token } from '../support/cachedTokens.js';

const KEY = 'ClientSecretCredential|id||nocae|https://storage.azure.com/.default';
const always = (): boolean => true;

/** A layer backed by a map that answers with promises, as a disk layer would. */
class AsyncLayer implements CacheLayer {
  readonly entries = new Map<string, CachedToken>();
  closed = false;
  constructor(readonly name = 'disk') {}
  get(key: string): Promise<CachedToken | undefined> {
    return Promise.resolve(this.entries.get(key));
  }
  set(key: string, value: CachedToken): Promise<void> {
    this.entries.set(key, value);
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }
  close(): void {
    this.closed = true;
  }
}

/** A layer whose every operation throws synchronously or rejects. */
function failingLayer(name: string, how: 'throw' | 'reject'): CacheLayer & { error: Error } {
  const error = new Error(`${name} is broken`);
  const fail = (): MaybePromise<never> => {
    if (how === 'throw') throw error;
    return Promise.reject(error);
  };
  return { name, error, get: fail, set: fail, delete: fail };
}

function memory(): MemoryLayer {
  return new MemoryLayer({ now: () => T0 });
}

function recorder() {
  const failures: [string, string, unknown][] = [];
  const onFailure: LayerFailureHandler = (layer, operation, error) =>
    failures.push([layer, operation, error]);
  return { failures, onFailure };
}

describe('LayeredCache', () => {
  describe('get', () => {
    it('answers a hit with the token and the layer that had it', async () => {
      const upper = memory();
      upper.set(KEY, token('a'));
      const cache = new LayeredCache([upper, new AsyncLayer()]);
      expect(await cache.get(KEY, always)).toEqual({ token: token('a'), layer: 'memory' });
    });

    it('answers a miss in every layer with no token and no layer', async () => {
      const cache = new LayeredCache([memory(), new AsyncLayer()]);
      expect(await cache.get(KEY, always)).toEqual({});
    });

    it('answers synchronously, not with a promise, when the layers are synchronous', () => {
      const upper = memory();
      upper.set(KEY, token('a'));
      const cache = new LayeredCache([upper]);
      const hit = cache.get(KEY, always);
      const miss = cache.get('other', always);
      expect(isPromiseLike(hit)).toBe(false);
      expect(isPromiseLike(miss)).toBe(false);
      expect(hit).toEqual({ token: token('a'), layer: 'memory' });
    });

    it('answers from a lower layer when the upper one misses', async () => {
      const lower = new AsyncLayer();
      lower.entries.set(KEY, token('b'));
      const cache = new LayeredCache([memory(), lower]);
      expect(await cache.get(KEY, always)).toEqual({ token: token('b'), layer: 'disk' });
    });

    it('copies a lower-layer hit into the layers above it', async () => {
      const upper = memory();
      const lower = new AsyncLayer();
      lower.entries.set(KEY, token('b'));
      const cache = new LayeredCache([upper, lower]);
      await cache.get(KEY, always);
      expect(upper.get(KEY)).toEqual(token('b'));
    });

    it('skips a token the caller finds unusable and looks lower', async () => {
      const upper = memory();
      upper.set(KEY, token('stale', T0 + 10));
      const lower = new AsyncLayer();
      lower.entries.set(KEY, token('fresh'));
      const cache = new LayeredCache([upper, lower]);
      const lookup = await cache.get(KEY, (t) => t.token !== 'stale');
      expect(lookup).toEqual({ token: token('fresh'), layer: 'disk' });
    });

    it.each(['throw', 'reject'] as const)(
      'reports a layer whose get fails (%s) and answers from the next',
      async (how) => {
        const { failures, onFailure } = recorder();
        const broken = failingLayer('disk', how);
        const lower = new AsyncLayer('remote');
        lower.entries.set(KEY, token('c'));
        const cache = new LayeredCache([memory(), broken, lower], onFailure);
        expect(await cache.get(KEY, always)).toEqual({ token: token('c'), layer: 'remote' });
        expect(failures).toContainEqual(['disk', 'get', broken.error]);
      },
    );

    it.each(['throw', 'reject'] as const)(
      'answers a miss when the only layer fails (%s)',
      async (how) => {
        const { failures, onFailure } = recorder();
        const cache = new LayeredCache([failingLayer('disk', how)], onFailure);
        expect(await cache.get(KEY, always)).toEqual({});
        expect(failures).toHaveLength(1);
      },
    );

    it('stays synchronous past a layer that throws synchronously', () => {
      const upper = memory();
      const cache = new LayeredCache([failingLayer('broken', 'throw'), upper]);
      upper.set(KEY, token('a'));
      const lookup = cache.get(KEY, always);
      expect(isPromiseLike(lookup)).toBe(false);
      expect(lookup).toEqual({ token: token('a'), layer: 'memory' });
    });

    it('reports an upper layer that fails to take a copy, and still answers', async () => {
      const { failures, onFailure } = recorder();
      const broken = failingLayer('front', 'reject');
      const lower = memory();
      lower.set(KEY, token('b'));
      const cache = new LayeredCache([{ ...broken, get: () => undefined }, lower], onFailure);
      expect(await cache.get(KEY, always)).toEqual({ token: token('b'), layer: 'memory' });
      await Promise.resolve();
      expect(failures).toEqual([['front', 'set', broken.error]]);
    });
  });

  describe('set', () => {
    it('writes every layer', async () => {
      const upper = memory();
      const lower = new AsyncLayer();
      await new LayeredCache([upper, lower]).set(KEY, token('a'));
      expect(upper.get(KEY)).toEqual(token('a'));
      expect(lower.entries.get(KEY)).toEqual(token('a'));
    });

    it('returns synchronously when every layer is synchronous', () => {
      expect(new LayeredCache([memory()]).set(KEY, token('a'))).toBeUndefined();
    });

    it.each(['throw', 'reject'] as const)(
      'never fails when a layer fails (%s); reports it and writes the others',
      async (how) => {
        const { failures, onFailure } = recorder();
        const broken = failingLayer('disk', how);
        const upper = memory();
        const lower = new AsyncLayer('remote');
        const cache = new LayeredCache([upper, broken, lower], onFailure);
        await expect(Promise.resolve(cache.set(KEY, token('a')))).resolves.toBeUndefined();
        expect(upper.get(KEY)).toEqual(token('a'));
        expect(lower.entries.get(KEY)).toEqual(token('a'));
        expect(failures).toEqual([['disk', 'set', broken.error]]);
      },
    );
  });

  describe('delete', () => {
    it('removes the key from every layer', async () => {
      const upper = memory();
      const lower = new AsyncLayer();
      const cache = new LayeredCache([upper, lower]);
      await cache.set(KEY, token('a'));
      await cache.delete(KEY);
      expect(upper.get(KEY)).toBeUndefined();
      expect(lower.entries.has(KEY)).toBe(false);
    });

    it.each(['throw', 'reject'] as const)(
      'never fails when a layer fails (%s); reports it',
      async (how) => {
        const { failures, onFailure } = recorder();
        const broken = failingLayer('disk', how);
        const cache = new LayeredCache([memory(), broken], onFailure);
        await expect(Promise.resolve(cache.delete(KEY))).resolves.toBeUndefined();
        expect(failures).toEqual([['disk', 'delete', broken.error]]);
      },
    );
  });

  describe('close', () => {
    it('closes every layer that can be closed', async () => {
      const upper = memory();
      upper.set(KEY, token('a'));
      const lower = new AsyncLayer();
      await new LayeredCache([upper, lower, failingLayer('no-close', 'reject')]).close();
      expect(upper.size).toBe(0);
      expect(lower.closed).toBe(true);
    });

    it('closes the other layers and reports a layer whose close fails', async () => {
      const lower = new AsyncLayer();
      const broken: CacheLayer = {
        ...failingLayer('broken', 'throw'),
        close: () => Promise.reject(new Error('disk gone')),
      };
      const { failures, onFailure } = recorder();
      await new LayeredCache([broken, lower], onFailure).close();
      expect(lower.closed).toBe(true);
      expect(failures.map(([layer, operation]) => `${layer}:${operation}`)).toEqual([
        'broken:close',
      ]);
    });
  });
});
