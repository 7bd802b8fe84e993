import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asyncScheduler } from 'rxjs';
import { DiskLayer, type DiskLayerOptions } from '../../src/cache/diskLayer.js';
import { DiskMsalCacheStore } from '../../src/cache/diskMsalCacheStore.js';
import { LayeredCache } from '../../src/cache/layeredCache.js';
import { MemoryLayer } from '../../src/cache/memoryLayer.js';
import { isInvalidArgumentError } from '../../src/errors.js';
import { getDefaultTokenManager, TokenManager } from '../../src/index.js';
import { FakeCredential } from '../support/fakeCredential.js';
import { thrown } from '../support/failures.js';
import { HOUR, T0, token } from '../support/cachedTokens.js';
import { modeOf, namesIn, newKey, readAllFiles, useTempDir } from './diskHelpers.js';

const posixOnly = process.platform === 'win32' ? it.skip : it;
const dir = useTempDir();

function layerAt(options: Partial<DiskLayerOptions> = {}, key = newKey()) {
  const clock = { now: T0 };
  const warnings: string[] = [];
  const layer = new DiskLayer({
    directory: dir.path,
    encryptionKey: key,
    env: {},
    now: () => clock.now,
    onWarning: (message) => warnings.push(message),
    ...options,
  });
  return { clock, layer, warnings };
}

describe('DiskLayer', () => {
  it('is named disk and stores reactive-identity.json by default', () => {
    const { layer } = layerAt();
    expect(layer.name).toBe('disk');
    expect(layer.store.path).toBe(join(dir.path, 'reactive-identity.json'));
  });

  it('returns what was set and misses unknown keys', async () => {
    const { layer } = layerAt();
    await layer.set('k', token('a'));
    expect(await layer.get('k')).toEqual(token('a'));
    expect(await layer.get('other')).toBeUndefined();
  });

  it('keeps only the fields of a cached token', async () => {
    const { layer } = layerAt();
    const extra = { ...token('a'), refreshAfterTimestamp: T0 + 1, tokenType: 'pop' as const };
    await layer.set('k', { ...extra, secretHint: 'x' } as typeof extra);
    expect(await layer.get('k')).toEqual(extra);
  });

  it('deletes a key', async () => {
    const { layer } = layerAt();
    await layer.set('k', token('a'));
    await layer.delete('k');
    expect(await layer.get('k')).toBeUndefined();
  });

  it('misses a token once it has expired', async () => {
    const { clock, layer } = layerAt();
    await layer.set('k', token('a', T0 + 1000));
    clock.now = T0 + 1000;
    expect(await layer.get('k')).toBeUndefined();
  });

  it('does not store a token that has already expired', async () => {
    const { layer } = layerAt();
    await layer.set('k', token('a', T0));
    expect(await layer.store.read()).toEqual({});
  });

  it('prunes expired and malformed entries when it writes', async () => {
    const { clock, layer } = layerAt();
    await layer.set('old', token('a', T0 + 1000));
    await layer.store.update((entries) => {
      entries.broken = { token: 42 };
    });
    clock.now = T0 + 2000;
    await layer.set('new', token('b'));
    expect(Object.keys(await layer.store.read())).toEqual(['new']);
  });

  it('ignores a malformed entry on read', async () => {
    const { layer } = layerAt();
    await layer.store.update((entries) => {
      entries.k = { token: 'a', expiresOnTimestamp: 'soon' };
    });
    expect(await layer.get('k')).toBeUndefined();
  });

  it('shares its file with another instance on the same directory', async () => {
    const key = newKey();
    const first = layerAt({}, key).layer;
    const second = layerAt({}, key).layer;
    await first.set('a', token('from-first'));
    await second.set('b', token('from-second'));
    expect(await first.get('b')).toEqual(token('from-second'));
    expect(await second.get('a')).toEqual(token('from-first'));
    await second.delete('a');
    expect(await first.get('a')).toBeUndefined();
  });

  it('answers a memory miss through a layered cache and fills memory', async () => {
    const key = newKey();
    await layerAt({}, key).layer.set('k', token('a'));
    const memory = new MemoryLayer({ now: () => T0 });
    const cache = new LayeredCache([memory, layerAt({}, key).layer]);
    expect(await cache.get('k', () => true)).toEqual({ token: token('a'), layer: 'disk' });
    expect(memory.get('k')).toEqual(token('a'));
  });

  describe('encryption', () => {
    it('reads its key from REACTIVE_IDENTITY_CACHE_KEY', async () => {
      const key = newKey().toString('base64');
      const env = { REACTIVE_IDENTITY_CACHE_KEY: key };
      await layerAt({ encryptionKey: undefined, env }).layer.set('k', token('a'));
      expect(await layerAt({ encryptionKey: key }).layer.get('k')).toEqual(token('a'));
    });

    it('refuses to start without a key unless unencrypted storage is allowed', () => {
      const error = thrown(() => layerAt({ encryptionKey: undefined }));
      expect(isInvalidArgumentError(error)).toBe(true);
      expect(error.message).toContain('REACTIVE_IDENTITY_CACHE_KEY');
      const { layer } = layerAt({ encryptionKey: undefined, unsafeAllowUnencryptedStorage: true });
      expect(layer.store.encrypted).toBe(false);
    });

    it('refuses a malformed key in the environment, naming the variable, not the key', () => {
      const env = { REACTIVE_IDENTITY_CACHE_KEY: 'my-passphrase-is-not-a-key' };
      const error = thrown(() =>
        layerAt({ encryptionKey: undefined, env, unsafeAllowUnencryptedStorage: true }),
      );
      expect(isInvalidArgumentError(error)).toBe(true);
      expect(error.message).toMatch(/^REACTIVE_IDENTITY_CACHE_KEY: /);
      expect(error.message).not.toContain('my-passphrase');
    });

    it('leaves no token or refresh token in plaintext in any file of the directory', async () => {
      const key = newKey();
      const accessToken = 'eyJhbGciOiJSUzI1NiJ9.access-token-value.signature';
      const refreshToken = 'refresh-token-value-0.AXYZ';
      await layerAt({}, key).layer.set('scope', token(accessToken));
      const msal = new DiskMsalCacheStore({ directory: dir.path, encryptionKey: key, env: {} });
      await msal.write(
        'client.nocae',
        JSON.stringify({ RefreshToken: { r: { secret: refreshToken } } }),
      );
      const release = await layerAt({}, key).layer.lockKey('scope');
      const files = await readAllFiles(dir.path);
      await release();
      expect(files.length).toBeGreaterThanOrEqual(2);
      for (const { bytes } of files) {
        for (const secret of [accessToken, refreshToken, 'access-token-value', 'refresh-token'])
          expect(bytes.includes(Buffer.from(secret))).toBe(false);
      }
    });
  });

  posixOnly('keeps its directory 0700 and its file 0600', async () => {
    const directory = join(dir.path, 'cache');
    await layerAt({ directory }).layer.set('k', token('a'));
    expect(await modeOf(directory)).toBe(0o700);
    expect(await modeOf(join(directory, 'reactive-identity.json'))).toBe(0o600);
  });

  describe('a damaged file', () => {
    it('is moved aside when it is not JSON, and the layer starts empty with a warning', async () => {
      const { layer, warnings } = layerAt();
      await writeFile(layer.store.path, '\u0000\u0001 truncated');
      expect(await layer.get('k')).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(await namesIn(dir.path)).toContain('reactive-identity.json.corrupt-1');
      await layer.set('k', token('a'));
      expect(await layer.get('k')).toEqual(token('a'));
    });

    it('is moved aside when it was tampered with', async () => {
      const { layer, warnings } = layerAt();
      await layer.set('k', token('a'));
      const text = await readFile(layer.store.path, 'utf8');
      const envelope = JSON.parse(text) as { tag: string };
      const tag = Buffer.from(envelope.tag, 'base64');
      tag[5] = (tag[5] ?? 0) ^ 0x80;
      await writeFile(
        layer.store.path,
        JSON.stringify({ ...envelope, tag: tag.toString('base64') }),
      );
      expect(await layer.get('k')).toBeUndefined();
      expect(warnings.join('\n')).toMatch(/could not be decrypted/);
      expect(await namesIn(dir.path)).toEqual(['locks', 'reactive-identity.json.corrupt-1']);
    });

    it('is moved aside when it was written with another key', async () => {
      await layerAt().layer.set('k', token('a'));
      const { layer, warnings } = layerAt();
      expect(await layer.get('k')).toBeUndefined();
      expect(warnings).toHaveLength(1);
    });
  });

  describe('lockKey', () => {
    it('holds a key against another instance until released', async () => {
      const key = newKey();
      const release = await layerAt({}, key).layer.lockKey('k');
      const other = layerAt({ lockWaitMs: 20 }, key).layer;
      await expect(other.lockKey('k')).rejects.toMatchObject({ code: 'ERR_CACHE_LOCK_TIMEOUT' });
      await release();
      await (
        await other.lockKey('k')
      )();
    });

    it('lets the holder write the key it holds', async () => {
      const { layer } = layerAt({ lockWaitMs: 0 });
      const release = await layer.lockKey('k');
      await layer.set('k', token('a'));
      await release();
      expect(await layer.get('k')).toEqual(token('a'));
    });
  });

  it('waits for writes in flight on close, then refuses', async () => {
    const { layer } = layerAt();
    const writing = layer.set('k', token('a', T0 + HOUR));
    await layer.close();
    await writing;
    await expect(layer.get('k')).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });
});

describe('the process-wide engine with tokenCachePersistenceOptions', () => {
  const SCOPE = 'https://vault.azure.net/.default';
  const closing: TokenManager[] = [];
  afterEach(async () => {
    await Promise.all(closing.splice(0).map((manager) => manager.close()));
  });

  it("reads the disk layer's key from the credential's env, not process.env", async () => {
    const previous = process.env.REACTIVE_IDENTITY_CACHE_KEY;
    process.env.REACTIVE_IDENTITY_CACHE_KEY = newKey().toString('base64');
    try {
      const key = newKey();
      const persistence = { enabled: true, directory: dir.path };
      const env = { REACTIVE_IDENTITY_CACHE_KEY: key.toString('hex') };
      const shared = getDefaultTokenManager(persistence, { env });
      closing.push(shared);
      await new FakeCredential(shared, asyncScheduler, 1, 'env-key').getToken(SCOPE);
      // An engine given that key outright answers from the file: it was encrypted with it.
      const reader = new TokenManager({
        persistence: { directory: dir.path, encryptionKey: key, env: {} },
      });
      closing.push(reader);
      const credential = new FakeCredential(reader, asyncScheduler, 1, 'env-key');
      await credential.getToken(SCOPE);
      expect(credential.requests).toHaveLength(0);
      // And an env without a key has none, whatever process.env holds.
      expect(thrown(() => getDefaultTokenManager(persistence, { env: {} }))).toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
      });
    } finally {
      if (previous === undefined) delete process.env.REACTIVE_IDENTITY_CACHE_KEY;
      else process.env.REACTIVE_IDENTITY_CACHE_KEY = previous;
    }
  });
});
