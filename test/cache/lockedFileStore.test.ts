import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LockedFileStore, type LockedFileStoreOptions } from '../../src/cache/lockedFileStore.js';
import { isInvalidArgumentError } from '../../src/errors.js';
import { modeOf, namesIn, newKey, useTempDir } from './diskHelpers.js';

const posixOnly = process.platform === 'win32' ? it.skip : it;
const dir = useTempDir();
let key: Buffer;
beforeEach(() => {
  key = newKey();
});

function storeOf(options: Partial<LockedFileStoreOptions> = {}) {
  const warnings: string[] = [];
  const store = new LockedFileStore({
    directory: dir.path,
    name: 'app',
    encryptionKey: options.unsafeAllowUnencryptedStorage ? undefined : key,
    onWarning: (message) => warnings.push(message),
    ...options,
  });
  return { store, warnings };
}

describe('LockedFileStore', () => {
  describe('construction', () => {
    it('refuses to store unencrypted without the opt-in, naming both ways out', () => {
      let error: unknown;
      try {
        new LockedFileStore({ directory: dir.path, name: 'app' });
      } catch (e) {
        error = e;
      }
      expect(isInvalidArgumentError(error)).toBe(true);
      expect((error as Error).message).toContain('REACTIVE_IDENTITY_CACHE_KEY');
      expect((error as Error).message).toContain('unsafeAllowUnencryptedStorage');
    });

    it.each(['../escape', 'a/b', '.hidden', '', 'a b'])('refuses the name %j', (name) => {
      expect(() => storeOf({ name })).toThrow(/store name/);
    });

    it('does no I/O until used', async () => {
      storeOf({ directory: join(dir.path, 'later') });
      expect(await namesIn(dir.path)).toEqual([]);
    });
  });

  describe('read and update', () => {
    it('reads an empty store before any write', async () => {
      expect(await storeOf().store.read()).toEqual({});
    });

    it('reads back what an update wrote, in <directory>/<name>.json', async () => {
      const { store } = storeOf();
      await store.update((entries) => {
        entries.a = { n: 1 };
      });
      expect(store.path).toBe(join(dir.path, 'app.json'));
      expect(await store.read()).toEqual({ a: { n: 1 } });
    });

    it('lets an asynchronous mutation run under the lock', async () => {
      const { store } = storeOf();
      await store.update(async (entries) => {
        await Promise.resolve();
        entries.a = 1;
      });
      expect(await store.read()).toEqual({ a: 1 });
    });

    posixOnly('creates the directory 0700 and the file 0600', async () => {
      const { store } = storeOf({ directory: join(dir.path, 'nested', 'cache') });
      await store.update((entries) => {
        entries.a = 1;
      });
      expect(await modeOf(join(dir.path, 'nested', 'cache'))).toBe(0o700);
      expect(await modeOf(join(dir.path, 'nested', 'cache', 'locks'))).toBe(0o700);
      expect(await modeOf(store.path)).toBe(0o600);
    });

    it('writes nothing when the mutation changes nothing', async () => {
      const { store } = storeOf();
      await store.update(() => undefined);
      expect(await namesIn(dir.path)).toEqual(['locks']);
    });

    it('leaves neither a lock nor a temporary file behind', async () => {
      const { store } = storeOf();
      await store.update((entries) => {
        entries.a = 1;
      });
      expect(await namesIn(dir.path)).toEqual(['app.json', 'locks']);
    });

    it('removes temporary files that a killed writer left', async () => {
      const { store } = storeOf();
      await store.update((entries) => {
        entries.a = 1;
      });
      await writeFile(join(dir.path, '.app.json.999.abcdef.tmp'), 'partial');
      await store.update((entries) => {
        entries.b = 2;
      });
      expect(await namesIn(dir.path)).toEqual(['app.json', 'locks']);
    });

    it('recreates its directory when it was removed between writes', async () => {
      const directory = join(dir.path, 'cache');
      const { store } = storeOf({ directory, lockWaitMs: 0 });
      await store.update((entries) => {
        entries.a = 1;
      });
      await rm(directory, { recursive: true });
      await store.update((entries) => {
        entries.b = 2;
      });
      expect(await store.read()).toEqual({ b: 2 });
    });

    it('rejects with the mutation error, keeps the file and releases the lock', async () => {
      const { store } = storeOf();
      await store.update((entries) => {
        entries.a = 1;
      });
      const failure = new Error('boom');
      await expect(
        store.update(() => {
          throw failure;
        }),
      ).rejects.toBe(failure);
      await store.update((entries) => {
        entries.b = 2;
      });
      expect(await store.read()).toEqual({ a: 1, b: 2 });
    });

    it('keeps plain JSON when unencrypted storage is allowed', async () => {
      const { store } = storeOf({ unsafeAllowUnencryptedStorage: true });
      await store.update((entries) => {
        entries.a = 'visible';
      });
      expect(store.encrypted).toBe(false);
      expect(JSON.parse(await readFile(store.path, 'utf8'))).toEqual({
        v: 1,
        entries: { a: 'visible' },
      });
    });

    it('keeps an encrypted envelope when given a key', async () => {
      const { store } = storeOf();
      await store.update((entries) => {
        entries.a = 'hidden-value';
      });
      const text = await readFile(store.path, 'utf8');
      expect(JSON.parse(text)).toMatchObject({ v: 1, alg: 'A256GCM' });
      expect(text).not.toContain('hidden-value');
    });
  });

  describe('quarantine', () => {
    it.each([
      ['garbage', 'not json at all {'],
      ['JSON of another shape', '{"hello":"world"}'],
      ['a plain file where an encrypted one is expected', '{"v":1,"entries":{}}'],
    ])('moves %s aside and reads empty, with a warning', async (_case, content) => {
      const { store, warnings } = storeOf();
      await writeFile(store.path, content);
      expect(await store.read()).toEqual({});
      expect(await namesIn(dir.path)).toEqual(['app.json.corrupt-1', 'locks']);
      expect(await readFile(join(dir.path, 'app.json.corrupt-1'), 'utf8')).toBe(content);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('app.json.corrupt-1');
    });

    it('moves a tampered encrypted file aside', async () => {
      const { store, warnings } = storeOf();
      await store.update((entries) => {
        entries.a = 1;
      });
      const envelope = JSON.parse(await readFile(store.path, 'utf8')) as { data: string };
      const bytes = Buffer.from(envelope.data, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      await writeFile(store.path, JSON.stringify({ ...envelope, data: bytes.toString('base64') }));
      expect(await store.read()).toEqual({});
      expect(warnings[0]).toMatch(/could not be decrypted/);
      expect(await namesIn(dir.path)).toContain('app.json.corrupt-1');
    });

    it('refuses a file copied from another store (its name is authenticated)', async () => {
      const other = storeOf({ name: 'other' }).store;
      await other.update((entries) => {
        entries.a = 1;
      });
      const { store, warnings } = storeOf();
      await writeFile(store.path, await readFile(other.path));
      expect(await store.read()).toEqual({});
      expect(warnings).toHaveLength(1);
    });

    it('numbers successive quarantined files', async () => {
      const { store } = storeOf();
      await writeFile(store.path, 'bad 1');
      await store.read();
      await writeFile(store.path, 'bad 2');
      await store.update((entries) => {
        entries.a = 1;
      });
      expect(await namesIn(dir.path)).toEqual([
        'app.json',
        'app.json.corrupt-1',
        'app.json.corrupt-2',
        'locks',
      ]);
      expect(await store.read()).toEqual({ a: 1 });
    });
  });

  describe('lockKey', () => {
    it('locks <directory>/locks/<sha256(name, key)> until released', async () => {
      const { store } = storeOf();
      const release = await store.lockKey('k');
      const digest = createHash('sha256').update('app\0k').digest('hex');
      expect(await namesIn(join(dir.path, 'locks'))).toEqual([`${digest}.lock`]);
      await release();
      expect(await namesIn(join(dir.path, 'locks'))).toEqual([]);
    });

    it('times out with a typed error while another holder keeps the key', async () => {
      const holder = storeOf().store;
      const waiter = storeOf({ lockWaitMs: 30 }).store;
      const release = await holder.lockKey('k');
      await expect(waiter.lockKey('k')).rejects.toMatchObject({ code: 'ERR_CACHE_LOCK_TIMEOUT' });
      await release();
      await (
        await waiter.lockKey('k')
      )();
    });

    it('locks keys independently, and apart from the file', async () => {
      const { store } = storeOf({ lockWaitMs: 0 });
      const releaseA = await store.lockKey('a');
      const releaseB = await store.lockKey('b');
      await store.update((entries) => {
        entries.a = 1;
      });
      await releaseA();
      await releaseB();
    });

    it('releases once, however often the release is called', async () => {
      const { store } = storeOf({ lockWaitMs: 0 });
      const release = await store.lockKey('k');
      await release();
      const again = await store.lockKey('k');
      await release();
      await expect(storeOf({ lockWaitMs: 0 }).store.lockKey('k')).rejects.toMatchObject({
        code: 'ERR_CACHE_LOCK_TIMEOUT',
      });
      await again();
    });

    it('stops waiting once the signal fires, without the lock, and lets close() finish', async () => {
      const holder = storeOf().store;
      const waiter = storeOf({ lockWaitMs: 600_000 }).store;
      const release = await holder.lockKey('k');
      const abort = new AbortController();
      const waiting = waiter.lockKey('k', { signal: abort.signal });
      abort.abort();
      const noLock = await waiting;
      await noLock();
      // The holder still has it: the waiter took nothing, and its release freed nothing.
      await expect(storeOf({ lockWaitMs: 0 }).store.lockKey('k')).rejects.toMatchObject({
        code: 'ERR_CACHE_LOCK_TIMEOUT',
      });
      await waiter.close();
      await release();
    });

    it('asks for nothing when the signal has already fired', async () => {
      const { store } = storeOf();
      const abort = new AbortController();
      abort.abort();
      await (
        await store.lockKey('k', { signal: abort.signal })
      )();
      expect(await namesIn(join(dir.path, 'locks'))).toEqual([]);
    });
  });

  describe('close', () => {
    it('waits for writes in flight, then refuses with ClosedError', async () => {
      const { store } = storeOf();
      const writing = store.update((entries) => {
        entries.a = 1;
      });
      await store.close();
      await writing;
      await expect(store.read()).rejects.toMatchObject({ code: 'ERR_CLOSED' });
      expect(await storeOf().store.read()).toEqual({ a: 1 });
    });
  });
});
