import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Mode of every cache file: only its owner may read or write it. */
export const PRIVATE_FILE_MODE = 0o600;

const TEMPORARY_SUFFIX = '.tmp';

/**
 * Replaces `path` with `content` so that a reader sees the old file or the new one, never a part:
 * the content goes to a temporary file in the same folder (created exclusively with mode 0600),
 * is flushed to disk, then renamed over `path`. The temporary file is removed on failure.
 *
 * @example
 * ```ts
 * await writeFileAtomic('/cache/store.json', '{"v":1,"entries":{}}');
 * ```
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temporary = join(
    dirname(path),
    `${temporaryPrefix(path)}${process.pid}.${randomBytes(6).toString('hex')}${TEMPORARY_SUFFIX}`,
  );
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, 'wx', PRIVATE_FILE_MODE);
    await handle.writeFile(content, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * Removes the temporary files that writers of `path` left behind when they were killed between
 * creating and renaming them. Call it only while holding the lock that guards every write of
 * `path`: then no live writer owns one of them.
 */
export async function removeTemporaryFiles(path: string): Promise<void> {
  const prefix = temporaryPrefix(path);
  const names = await readdir(dirname(path));
  const leftovers = names.filter((n) => n.startsWith(prefix) && n.endsWith(TEMPORARY_SUFFIX));
  await Promise.all(leftovers.map((n) => rm(join(dirname(path), n), { force: true })));
}

function temporaryPrefix(path: string): string {
  return `.${basename(path)}.`;
}
