import { chmod, mkdir, stat } from 'node:fs/promises';
import { posix, win32 } from 'node:path';
import { UnsafeCacheDirectoryError } from '../errors.js';

/** The folder name the persistent cache lives in, under the user's cache directory. */
export const CACHE_DIRECTORY_NAME = 'reactive-identity';

/** Mode of the cache directory: only its owner may list, read or write it. */
export const PRIVATE_DIRECTORY_MODE = 0o700;

/**
 * Where the persistent cache lives by default: `$XDG_CACHE_HOME/reactive-identity` when that is
 * an absolute path (as the XDG spec requires), else `~/.cache/reactive-identity`; on Windows
 * `%LOCALAPPDATA%\reactive-identity` (else `~\AppData\Local\reactive-identity`).
 *
 * @example
 * ```ts
 * defaultCacheDirectory({}, 'linux', '/home/ada'); // '/home/ada/.cache/reactive-identity'
 * ```
 */
export function defaultCacheDirectory(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
  homedir: string,
): string {
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA;
    const base = local && win32.isAbsolute(local) ? local : win32.join(homedir, 'AppData', 'Local');
    return win32.join(base, CACHE_DIRECTORY_NAME);
  }
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && posix.isAbsolute(xdg) ? xdg : posix.join(homedir, '.cache');
  return posix.join(base, CACHE_DIRECTORY_NAME);
}

/** Options of {@link ensurePrivateDirectory}. */
export interface EnsurePrivateDirectoryOptions {
  /** The user who must own the directory. Default `process.getuid()`; checks are skipped on Windows. */
  uid?: number;
}

/**
 * Creates `path` (and missing parents) with mode 0700, narrows the mode of an existing directory
 * that is wider, and refuses with {@link UnsafeCacheDirectoryError} a path that is not a
 * directory or is owned by another user (who could read or replace the cache).
 *
 * @example
 * ```ts
 * await ensurePrivateDirectory(defaultCacheDirectory(process.env, process.platform, homedir()));
 * ```
 */
export async function ensurePrivateDirectory(
  path: string,
  options: EnsurePrivateDirectoryOptions = {},
): Promise<void> {
  await mkdir(path, { recursive: true, mode: PRIVATE_DIRECTORY_MODE }).catch((error: unknown) => {
    const code = (error as { code?: unknown }).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
    throw notADirectory(path, error);
  });
  const info = await stat(path);
  if (!info.isDirectory()) throw notADirectory(path);
  const uid = options.uid ?? process.getuid?.();
  if (uid === undefined) return;
  if (info.uid !== uid)
    throw new UnsafeCacheDirectoryError(
      `The cache directory ${path} is owned by user ${info.uid}, not by this user (${uid}); ` +
        'refusing to keep tokens there. Remove it or choose another directory.',
    );
  if ((info.mode & 0o777) !== PRIVATE_DIRECTORY_MODE) await chmod(path, PRIVATE_DIRECTORY_MODE);
}

function notADirectory(path: string, cause?: unknown): UnsafeCacheDirectoryError {
  return new UnsafeCacheDirectoryError(
    `The cache path ${path} (or one of its parents) exists and is not a directory.`,
    { cause },
  );
}
