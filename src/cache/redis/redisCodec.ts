import type { CachedToken } from '../cacheLayer.js';
import { isCachedToken, toCachedToken } from '../diskLayer.js';
import { decrypt, encrypt } from '../encryption.js';

/** A stored value read back: the token, or why it cannot be used (then it is dropped). */
export type DecodedValue = { token: CachedToken } | { problem: string };

/**
 * The value stored for a token: with a key, the disk cache's AES-256-GCM envelope (JSON) of the
 * token's JSON, its `aad` binding it to its Redis key; without one, the token's JSON.
 */
export function encodeToken(token: CachedToken, key: Buffer | undefined, aad: string): string {
  const plaintext = JSON.stringify(toCachedToken(token));
  return key === undefined ? plaintext : JSON.stringify(encrypt(plaintext, key, aad));
}

/** Reads a stored value; anything that does not decrypt or is not a token is a problem. */
export function decodeToken(text: string, key: Buffer | undefined, aad: string): DecodedValue {
  let plaintext = text;
  if (key !== undefined) {
    try {
      plaintext = decrypt(JSON.parse(text), key, aad);
    } catch {
      return { problem: 'does not decrypt (another key, or altered)' };
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(plaintext);
  } catch {
    return { problem: 'is not JSON' };
  }
  return isCachedToken(parsed)
    ? { token: toCachedToken(parsed) }
    : { problem: 'is not a cached token' };
}
