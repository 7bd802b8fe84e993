/**
 * `--sidecar-env PATH`: what a client process needs, as a dotenv file only its owner can read
 * (mode 0600, written atomically), so that `env $(cat PATH) app` starts `app` against the sidecar.
 */
import { randomBytes } from 'node:crypto';
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import { InvalidArgumentError } from '../errors.js';

/** What the file says. */
export interface SidecarEnvironment {
  /** `IDENTITY_ENDPOINT`: the token endpoint's URL. */
  endpoint: string;
  /** `IDENTITY_HEADER`: the secret. */
  secret: string;
}

/** The file's text: `IDENTITY_ENDPOINT=...` and `IDENTITY_HEADER=...`, one per line. */
export function sidecarEnvText({ endpoint, secret }: SidecarEnvironment): string {
  return `IDENTITY_ENDPOINT=${endpoint}\nIDENTITY_HEADER=${secret}\n`;
}

/** Writes the file (mode 0600) through a temporary file renamed into place. */
export async function writeSidecarEnvFile(
  path: string,
  environment: SidecarEnvironment,
): Promise<void> {
  // A random name: a crash between write and rename must not block the next start (a sidecar
  // in a container is often PID 1 every time).
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, sidecarEnvText(environment), { mode: 0o600, flag: 'wx' });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InvalidArgumentError(`--sidecar-env ${path}: cannot be written (${code}).`, {
      cause: error,
    });
  }
}

/** Removes the file at shutdown: its secret dies with the process. */
export async function removeSidecarEnvFile(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}
