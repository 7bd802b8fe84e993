/**
 * The sidecar's secret: what clients send back as `X-IDENTITY-HEADER` (App Service's
 * `IDENTITY_HEADER`). Random per start, or read from a file only its owner can read; compared in
 * constant time. The value never appears in a message, an event or a log.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { InvalidArgumentError } from '../errors.js';

/** Bytes of randomness in a generated secret (hex-encoded: twice as many characters). */
export const IDENTITY_SECRET_BYTES = 32;
/** The shortest secret a file may hold. */
export const MIN_IDENTITY_SECRET_LENGTH = 16;
/** The longest secret a file may hold. */
export const MAX_IDENTITY_SECRET_LENGTH = 1024;

/** A fresh random secret (64 hex characters). */
export function createIdentitySecret(): string {
  return randomBytes(IDENTITY_SECRET_BYTES).toString('hex');
}

/**
 * Reads the secret from `path`: a regular file that neither group nor others may read or write
 * (mode 0600 or stricter), holding one line of 16 to 1024 characters among letters, digits and `._~+/=-` (a trailing
 * newline is dropped). Throws `InvalidArgumentError` naming the path and the problem, never the
 * content.
 */
export async function readIdentitySecretFile(path: string): Promise<string> {
  // One open, then checks on what was opened: no window between the check and the read, and a
  // symbolic link is refused rather than followed.
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(
    (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'ELOOP' ? 'is a symbolic link' : `cannot be read (${error.code ?? 'error'})`;
      throw new InvalidArgumentError(`--identity-header-file ${path}: ${why}.`);
    },
  );
  let text: string;
  try {
    const info = await file.stat();
    if (!info.isFile())
      throw new InvalidArgumentError(`--identity-header-file ${path}: is not a regular file.`);
    if ((info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
      throw new InvalidArgumentError(
        `--identity-header-file ${path}: mode ${mode} lets other users read or change the secret; ` +
          `run chmod 600 ${path}.`,
      );
    }
    const owner = process.getuid?.();
    if (owner !== undefined && info.uid !== owner) {
      throw new InvalidArgumentError(
        `--identity-header-file ${path}: belongs to another user (uid ${info.uid}).`,
      );
    }
    text = await file.readFile('utf8');
  } finally {
    await file.close();
  }
  const secret = text.replace(/\r?\n$/, '');
  // Written unquoted into --sidecar-env files and passed through `env $(cat ...)`: no character
  // a shell, systemd or docker env-file would read as anything but itself.
  if (!/^[A-Za-z0-9._~+/=-]+$/.test(secret)) {
    throw new InvalidArgumentError(
      `--identity-header-file ${path}: the secret must be one line of letters, digits and ` +
        '. _ ~ + / = - only.',
    );
  }
  if (secret.length < MIN_IDENTITY_SECRET_LENGTH || secret.length > MAX_IDENTITY_SECRET_LENGTH) {
    throw new InvalidArgumentError(
      `--identity-header-file ${path}: the secret must be ${MIN_IDENTITY_SECRET_LENGTH} to ` +
        `${MAX_IDENTITY_SECRET_LENGTH} characters long, it has ${secret.length}.`,
    );
  }
  return secret;
}

/** Checks presented header values against the secret in constant time (SHA-256 digests). */
export class IdentityHeaderCheck {
  readonly #digest: Buffer;

  constructor(secret: string) {
    this.#digest = digest(secret);
  }

  /** Whether `presented` is the secret; equal-length digests make the comparison constant-time. */
  matches(presented: string): boolean {
    return timingSafeEqual(this.#digest, digest(presented));
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
