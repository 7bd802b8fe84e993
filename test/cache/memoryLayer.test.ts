import { isPromiseLike } from '../../src/cache/cacheLayer.js';
import { DEFAULT_MEMORY_MAX_ENTRIES, MemoryLayer } from '../../src/cache/memoryLayer.js';
import { T0, token } from '../support/cachedTokens.js';

function layerAt(start = T0, maxEntries?: number) {
  const clock = { now: start };
  const layer = new MemoryLayer({ now: () => clock.now, maxEntries });
  return { clock, layer };
}

describe('MemoryLayer', () => {
  it('is named memory', () => {
    expect(new MemoryLayer({ now: () => T0 }).name).toBe('memory');
  });

  it('returns what was set', () => {
    const { layer } = layerAt();
    layer.set('k', token('a'));
    expect(layer.get('k')).toEqual(token('a'));
  });

  it('misses an unknown key', () => {
    expect(layerAt().layer.get('nope')).toBeUndefined();
  });

  it('answers synchronously, never with a promise', () => {
    const { layer } = layerAt();
    const written = layer.set('k', token('a'));
    const read = layer.get('k');
    expect(isPromiseLike(written)).toBe(false);
    expect(isPromiseLike(read)).toBe(false);
    expect(read).toEqual(token('a'));
  });

  it('replaces the entry of a key', () => {
    const { layer } = layerAt();
    layer.set('k', token('a'));
    layer.set('k', token('b'));
    expect(layer.get('k')?.token).toBe('b');
    expect(layer.size).toBe(1);
  });

  it('keeps at most maxEntries, evicting the least recently used', () => {
    const { layer } = layerAt(T0, 2);
    layer.set('a', token('a'));
    layer.set('b', token('b'));
    layer.get('a');
    layer.set('c', token('c'));
    expect(layer.size).toBe(2);
    expect(layer.get('b')).toBeUndefined();
    expect(layer.get('a')?.token).toBe('a');
    expect(layer.get('c')?.token).toBe('c');
  });

  it('holds DEFAULT_MEMORY_MAX_ENTRIES entries by default', () => {
    const { layer } = layerAt();
    for (let i = 0; i <= DEFAULT_MEMORY_MAX_ENTRIES; i++) layer.set(`k${i}`, token(`t${i}`));
    expect(DEFAULT_MEMORY_MAX_ENTRIES).toBe(1000);
    expect(layer.size).toBe(DEFAULT_MEMORY_MAX_ENTRIES);
    expect(layer.get('k0')).toBeUndefined();
  });

  it('serves an entry until the injected clock reaches its expiry', () => {
    const { clock, layer } = layerAt();
    layer.set('k', token('a', T0 + 1_000));
    clock.now = T0 + 999;
    expect(layer.get('k')?.token).toBe('a');
  });

  it('drops an entry once the injected clock reaches its expiry', () => {
    const { clock, layer } = layerAt();
    layer.set('k', token('a', T0 + 1_000));
    clock.now = T0 + 1_000;
    expect(layer.get('k')).toBeUndefined();
    expect(layer.size).toBe(0);
  });

  it('counts an expired entry until it is read', () => {
    const { clock, layer } = layerAt();
    layer.set('k', token('a', T0 + 1_000));
    clock.now = T0 + 2_000;
    expect(layer.size).toBe(1);
  });

  it('does not store a token that has already expired', () => {
    const { layer } = layerAt();
    layer.set('k', token('a', T0));
    expect(layer.size).toBe(0);
  });

  it('deletes a key', () => {
    const { layer } = layerAt();
    layer.set('k', token('a'));
    layer.delete('k');
    expect(layer.get('k')).toBeUndefined();
  });

  it('empties on close', () => {
    const { layer } = layerAt();
    layer.set('a', token('a'));
    layer.set('b', token('b'));
    layer.close();
    expect(layer.size).toBe(0);
  });
});
