import { createHash } from 'node:crypto';

/**
 * A one-way fingerprint of secret material, for keys: two instances share tokens only when their
 * secrets are equal, and the key never reveals the secret.
 */
export function fingerprint(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest('base64url').slice(0, 22);
}
