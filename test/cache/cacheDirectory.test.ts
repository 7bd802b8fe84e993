import { chmod, chown, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CACHE_DIRECTORY_NAME,
  defaultCacheDirectory,
  ensurePrivateDirectory,
} from '../../src/cache/cacheDirectory.js';
import { isCacheError } from '../../src/index.js';

const posixOnly = process.platform === 'win32' ? it.skip : it;

describe('defaultCacheDirectory', () => {
  it.each([
    [{ XDG_CACHE_HOME: '/var/cache/ada' }, 'linux', '/var/cache/ada/reactive-identity'],
    [{}, 'linux', '/home/ada/.cache/reactive-identity'],
    [{ XDG_CACHE_HOME: '' }, 'linux', '/home/ada/.cache/reactive-identity'],
    [{ XDG_CACHE_HOME: 'relative/cache' }, 'linux', '/home/ada/.cache/reactive-identity'],
    [{}, 'darwin', '/home/ada/.cache/reactive-identity'],
  ] as const)('%j on %s → %s', (env, platform, expected) => {
    expect(defaultCacheDirectory(env, platform, '/home/ada')).toBe(expected);
  });

  it('uses %LOCALAPPDATA% on Windows', () => {
    const env = { LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' };
    expect(defaultCacheDirectory(env, 'win32', 'C:\\Users\\ada')).toBe(
      'C:\\Users\\ada\\AppData\\Local\\reactive-identity',
    );
  });

  it('falls back to the profile on Windows without %LOCALAPPDATA%', () => {
    expect(defaultCacheDirectory({}, 'win32', 'C:\\Users\\ada')).toBe(
      'C:\\Users\\ada\\AppData\\Local\\reactive-identity',
    );
  });

  it('names the folder reactive-identity', () => {
    expect(CACHE_DIRECTORY_NAME).toBe('reactive-identity');
  });
});

describe('ensurePrivateDirectory', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ri-dir-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  posixOnly('creates the directory and its parents with mode 0700', async () => {
    const path = join(root, 'a', 'b');
    await ensurePrivateDirectory(path);
    expect((await stat(path)).mode & 0o777).toBe(0o700);
  });

  posixOnly('narrows an existing directory with wider bits to 0700', async () => {
    await chmod(root, 0o755);
    await ensurePrivateDirectory(root);
    expect((await stat(root)).mode & 0o777).toBe(0o700);
  });

  posixOnly('refuses a directory owned by another user with a typed error', async () => {
    const uid = (process.getuid?.() ?? 0) + 1;
    const error = await ensurePrivateDirectory(root, { uid }).catch((e: unknown) => e);
    expect(isCacheError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('ERR_CACHE_UNSAFE_DIRECTORY');
  });

  it('refuses a path that is a file', async () => {
    const path = join(root, 'file');
    await writeFile(path, 'x');
    const error = await ensurePrivateDirectory(path).catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('ERR_CACHE_UNSAFE_DIRECTORY');
  });

  it('refuses a path under a file', async () => {
    const path = join(root, 'file');
    await writeFile(path, 'x');
    const error = await ensurePrivateDirectory(join(path, 'sub')).catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('ERR_CACHE_UNSAFE_DIRECTORY');
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('refuses a directory that another user really owns (run as root)', async () => {
    await chown(root, 12345, 12345);
    const error = await ensurePrivateDirectory(root).catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('ERR_CACHE_UNSAFE_DIRECTORY');
    expect((await stat(root)).uid).toBe(12345);
  });
});
