import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh 32-byte key. */
export function newKey(): Buffer {
  return randomBytes(32);
}

/** A temporary directory per test, removed afterwards. */
export function useTempDir(prefix = 'ri-cache-'): { readonly path: string } {
  const holder = { path: '' };
  beforeEach(async () => {
    holder.path = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await rm(holder.path, { recursive: true, force: true });
  });
  return holder;
}

/** Every file under `dir` (recursively), with its bytes. */
export async function readAllFiles(dir: string): Promise<{ path: string; bytes: Buffer }[]> {
  const found: { path: string; bytes: Buffer }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await readAllFiles(path)));
    else found.push({ path, bytes: await readFile(path) });
  }
  return found;
}

/** The permission bits of a path. */
export async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/** The names in `dir`, sorted. */
export async function namesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}
