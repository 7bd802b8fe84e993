import type { TokenCacheContext } from '@azure/msal-node';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DiskMsalCacheStore,
  type DiskMsalCacheStoreOptions,
} from '../../src/cache/diskMsalCacheStore.js';
import {
  MemoryMsalCacheStore,
  MsalCachePlugin,
  type MsalCacheStore,
} from '../../src/cache/msalCacheStore.js';
import { isInvalidArgumentError } from '../../src/errors.js';
import { modeOf, newKey, useTempDir } from './diskHelpers.js';

const dir = useTempDir();
let key: Buffer;
beforeEach(() => {
  key = newKey();
});

function storeOf(options: DiskMsalCacheStoreOptions = {}) {
  const warnings: string[] = [];
  const store = new DiskMsalCacheStore({
    directory: dir.path,
    encryptionKey: key,
    env: {},
    onWarning: (message) => warnings.push(message),
    ...options,
  });
  return { store, warnings };
}

/** A stand-in for MSAL's context: a cache that records what it was given. */
function contextOf(cacheHasChanged: boolean, serialized = '{}') {
  const seen: string[] = [];
  const context = {
    cacheHasChanged,
    tokenCache: {
      serialize: () => serialized,
      deserialize: (json: string) => seen.push(json),
    },
  } as unknown as TokenCacheContext;
  return { context, seen };
}

describe('DiskMsalCacheStore', () => {
  it('reads nothing before a write, then what was written', async () => {
    const { store } = storeOf();
    expect(await store.read('client.cae')).toBeUndefined();
    await store.write('client.cae', '{"Account":{}}');
    expect(await store.read('client.cae')).toBe('{"Account":{}}');
    expect(await storeOf().store.read('client.cae')).toBe('{"Account":{}}');
  });

  it('keeps each partition in its own encrypted 0600 file', async () => {
    const { store } = storeOf();
    await store.write('a.cae', 'cae-cache');
    await store.write('a.nocae', 'nocae-cache');
    const digest = createHash('sha256').update('a.cae').digest('hex').slice(0, 16);
    expect(store.pathOf('a.cae')).toBe(join(dir.path, `reactive-identity.msal.${digest}.json`));
    expect(store.pathOf('a.nocae')).not.toBe(store.pathOf('a.cae'));
    expect(await store.read('a.nocae')).toBe('nocae-cache');
    const text = await readFile(store.pathOf('a.cae'), 'utf8');
    expect(text).not.toContain('cae-cache');
    if (process.platform !== 'win32') expect(await modeOf(store.pathOf('a.cae'))).toBe(0o600);
  });

  it('refuses to start without a key unless unencrypted storage is allowed', () => {
    expect(() => storeOf({ encryptionKey: undefined })).toThrow(/REACTIVE_IDENTITY_CACHE_KEY/);
    let error: unknown;
    try {
      storeOf({ encryptionKey: 'short' });
    } catch (e) {
      error = e;
    }
    expect(isInvalidArgumentError(error)).toBe(true);
    expect(() =>
      storeOf({ encryptionKey: undefined, unsafeAllowUnencryptedStorage: true }),
    ).not.toThrow();
  });

  it('reports a failed write and carries on', async () => {
    await writeFile(join(dir.path, 'file'), '');
    const { store, warnings } = storeOf({ directory: join(dir.path, 'file', 'cache') });
    await expect(store.write('p', 'x')).resolves.toBeUndefined();
    await expect(store.read('p')).resolves.toBeUndefined();
    expect(warnings).toEqual([
      expect.stringContaining('ERR_CACHE_UNSAFE_DIRECTORY'),
      expect.stringContaining('ERR_CACHE_UNSAFE_DIRECTORY'),
    ]);
  });

  it('refuses every partition once closed', async () => {
    const { store, warnings } = storeOf();
    await store.write('p', 'x');
    await store.close();
    await store.write('q', 'y');
    expect(await store.read('p')).toBeUndefined();
    expect(warnings).toEqual([
      expect.stringContaining('ERR_CLOSED'),
      expect.stringContaining('ERR_CLOSED'),
    ]);
  });

  it('locks a partition across instances', async () => {
    const release = await storeOf().store.lock('p');
    const other = storeOf({ lockWaitMs: 20 });
    await expect(other.store.lock('p')).rejects.toMatchObject({ code: 'ERR_CACHE_LOCK_TIMEOUT' });
    expect(other.warnings).toHaveLength(1);
    await release();
    await (
      await other.store.lock('p')
    )();
  });
});

describe('MsalCachePlugin', () => {
  it('holds the store lock from beforeCacheAccess to afterCacheAccess', async () => {
    const plugin = new MsalCachePlugin(storeOf().store, 'p');
    const other = storeOf({ lockWaitMs: 0 }).store;
    const { context } = contextOf(true, 'serialized-cache');
    await plugin.beforeCacheAccess(context);
    await expect(other.lock('p')).rejects.toMatchObject({ code: 'ERR_CACHE_LOCK_TIMEOUT' });
    await plugin.afterCacheAccess(context);
    await (
      await other.lock('p')
    )();
    expect(await other.read('p')).toBe('serialized-cache');
  });

  it('deserializes what another process wrote', async () => {
    await storeOf().store.write('p', 'from-elsewhere');
    const plugin = new MsalCachePlugin(storeOf().store, 'p');
    const { context, seen } = contextOf(false);
    await plugin.beforeCacheAccess(context);
    await plugin.afterCacheAccess(context);
    expect(seen).toEqual(['from-elsewhere']);
  });

  it('releases the lock even when the write fails', async () => {
    const store: MsalCacheStore = {
      read: async () => undefined,
      write: async () => {
        throw new Error('disk full');
      },
      lock: async () => async () => void released.push('released'),
    };
    const released: string[] = [];
    const plugin = new MsalCachePlugin(store, 'p');
    const { context } = contextOf(true);
    await plugin.beforeCacheAccess(context);
    await expect(plugin.afterCacheAccess(context)).rejects.toThrow('disk full');
    expect(released).toEqual(['released']);
  });

  it('runs on memory alone when the lock cannot be had: no read, no write', async () => {
    const calls: string[] = [];
    const store: MsalCacheStore = {
      read: async () => void calls.push('read'),
      write: async () => void calls.push('write'),
      lock: async () => {
        throw new Error('busy');
      },
    };
    const plugin = new MsalCachePlugin(store, 'p');
    const { context } = contextOf(true);
    await plugin.beforeCacheAccess(context);
    await plugin.afterCacheAccess(context);
    await plugin.beforeCacheAccess(context);
    await plugin.afterCacheAccess(context);
    expect(calls).toEqual([]);
  });

  it('releases both locks when the read fails, so the next access proceeds', async () => {
    let fail = true;
    const released: string[] = [];
    const store: MsalCacheStore = {
      read: async () => {
        if (fail) throw new Error('unreadable');
        return undefined;
      },
      write: async () => undefined,
      lock: async () => async () => void released.push('released'),
    };
    const plugin = new MsalCachePlugin(store, 'p');
    const { context } = contextOf(false);
    await expect(plugin.beforeCacheAccess(context)).rejects.toThrow('unreadable');
    fail = false;
    await plugin.beforeCacheAccess(context);
    await plugin.afterCacheAccess(context);
    expect(released).toEqual(['released', 'released']);
  });

  it('still works over the memory store, which has no lock', async () => {
    const store = new MemoryMsalCacheStore();
    const plugin = new MsalCachePlugin(store, 'p');
    const first = contextOf(true, 'v1');
    await plugin.beforeCacheAccess(first.context);
    await plugin.afterCacheAccess(first.context);
    const second = contextOf(false);
    await plugin.beforeCacheAccess(second.context);
    await plugin.afterCacheAccess(second.context);
    expect(second.seen).toEqual(['v1']);
  });
});
