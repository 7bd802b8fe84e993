import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { Environment } from '../base/authorityHost.js';

const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD';

/** Reads a variable as the platform does: case-insensitively on Windows (`Path`, `PATH`). */
export function envValue(
  env: Environment,
  name: string,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (platform !== 'win32') return env[name];
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

/**
 * The absolute path of the first of `names` found on `PATH` of `env` (not of this process), in
 * the order given: every folder is tried for the first name before the second name is tried.
 * Relative `PATH` entries are skipped, so a tool is never picked up from the working directory.
 * On Windows the extensions of `PATHEXT` are tried and the bare name is not.
 *
 * @example
 * ```ts
 * findExecutable(['pwsh', 'powershell'], { PATH: '/usr/local/bin:/usr/bin' });
 * ```
 */
export function findExecutable(
  names: readonly string[],
  env: Environment,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const folders = (envValue(env, 'PATH', platform) ?? '')
    .split(platform === 'win32' ? ';' : ':')
    .map((folder) => folder.trim().replace(/^"(.*)"$/, '$1'))
    .filter((folder) => folder !== '' && paths.isAbsolute(folder));
  const extensions =
    platform === 'win32'
      ? (envValue(env, 'PATHEXT', platform) ?? DEFAULT_PATHEXT).split(';').filter(Boolean)
      : [''];
  for (const name of names) {
    for (const folder of folders) {
      for (const extension of extensions) {
        const candidate = paths.join(folder, name + extension);
        if (isExecutableFile(candidate, platform)) return candidate;
      }
    }
  }
  return undefined;
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
