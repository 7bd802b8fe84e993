import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import { CacheDecryptionError } from '../errors.js';

/** The environment variable the persistent cache reads its encryption key from. */
export const REACTIVE_IDENTITY_CACHE_KEY = 'REACTIVE_IDENTITY_CACHE_KEY';

/** A 32-byte key: raw bytes, or a string of 64 hexadecimal characters or base64 (url-safe too). */
export type CacheEncryptionKey = Uint8Array | string;

/** What an encrypted file holds: AES-256-GCM output, each binary field in base64. */
export interface EncryptedEnvelope {
  v: 1;
  alg: 'A256GCM';
  iv: string;
  tag: string;
  data: string;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}={0,1}$/;
const KEY_HELP =
  'The cache encryption key must be 32 bytes: a Buffer, 64 hexadecimal characters, or base64 ' +
  '(make one with `openssl rand -base64 32`).';

/**
 * Turns a key in any accepted form into its 32 bytes. Anything else is refused with an
 * {@link InvalidArgumentError} that describes the input's shape, never its content.
 *
 * @example
 * ```ts
 * parseEncryptionKey(randomBytes(32).toString('base64')).length; // 32
 * ```
 */
export function parseEncryptionKey(key: CacheEncryptionKey): Buffer {
  if (typeof key !== 'string') {
    if (key instanceof Uint8Array && key.length === KEY_BYTES) return Buffer.from(key);
    const got = key instanceof Uint8Array ? `${key.length} bytes` : `a ${typeof key}`;
    throw new InvalidArgumentError(`${KEY_HELP} Got ${got}.`);
  }
  const text = key.trim();
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  if (BASE64_KEY.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  throw new InvalidArgumentError(`${KEY_HELP} Got a string of ${text.length} characters.`);
}

/**
 * Encrypts `plaintext` with AES-256-GCM under a fresh random 12-byte IV. `aad` (the store's name)
 * is authenticated, so a file copied from another store fails to decrypt.
 *
 * @example
 * ```ts
 * const envelope = encrypt('{"a":1}', key, 'reactive-identity');
 * decrypt(envelope, key, 'reactive-identity'); // '{"a":1}'
 * ```
 */
export function encrypt(
  plaintext: string,
  key: CacheEncryptionKey,
  aad: string,
): EncryptedEnvelope {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', parseEncryptionKey(key), iv, {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    v: 1,
    alg: 'A256GCM',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/**
 * Decrypts an envelope made by {@link encrypt} with the same key and `aad`. A malformed
 * envelope, a wrong key, another `aad` or any changed byte throws {@link CacheDecryptionError}.
 */
export function decrypt(envelope: unknown, key: CacheEncryptionKey, aad: string): string {
  const secretKey = parseEncryptionKey(key);
  if (!isEncryptedEnvelope(envelope))
    throw new CacheDecryptionError('The content is not an encrypted cache envelope.');
  const iv = Buffer.from(envelope.iv, 'base64');
  const tag = Buffer.from(envelope.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    throw new CacheDecryptionError('The encrypted cache envelope has a malformed IV or tag.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', secretKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    const data = Buffer.from(envelope.data, 'base64');
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new CacheDecryptionError(
      'The encrypted cache failed authentication: another key, another store, or altered bytes.',
      { cause: error },
    );
  }
}

/** Whether a parsed value has the shape of an {@link EncryptedEnvelope}. */
export function isEncryptedEnvelope(value: unknown): value is EncryptedEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.v === 1 &&
    v.alg === 'A256GCM' &&
    typeof v.iv === 'string' &&
    typeof v.tag === 'string' &&
    typeof v.data === 'string'
  );
}
