import { randomBytes } from 'node:crypto';
import { isCacheError } from '../../src/index.js';
import {
  decrypt,
  encrypt,
  isEncryptedEnvelope,
  parseEncryptionKey,
  REACTIVE_IDENTITY_CACHE_KEY,
  type EncryptedEnvelope,
} from '../../src/cache/encryption.js';
import { isInvalidArgumentError } from '../../src/errors.js';
import { thrown } from '../support/failures.js';

const KEY = randomBytes(32);
const AAD = 'reactive-identity';
const PLAINTEXT = '{"v":1,"entries":{"k":{"token":"secret-token"}}}';

function flip(base64: string, index = 0): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

describe('REACTIVE_IDENTITY_CACHE_KEY', () => {
  it('names the environment variable', () => {
    expect(REACTIVE_IDENTITY_CACHE_KEY).toBe('REACTIVE_IDENTITY_CACHE_KEY');
  });
});

describe('parseEncryptionKey', () => {
  it.each([
    ['a Buffer', KEY],
    ['a Uint8Array', new Uint8Array(KEY)],
    ['hex', KEY.toString('hex')],
    ['upper-case hex', KEY.toString('hex').toUpperCase()],
    ['base64', KEY.toString('base64')],
    ['unpadded base64url', KEY.toString('base64url')],
  ])('accepts %s', (_form, key) => {
    expect(parseEncryptionKey(key).equals(KEY)).toBe(true);
  });

  it.each([
    ['a short Buffer', randomBytes(16)],
    ['a long Buffer', randomBytes(33)],
    ['a passphrase', 'correct horse battery staple and more words'],
    ['hex of 31 bytes', randomBytes(31).toString('hex')],
    ['base64 of 16 bytes', randomBytes(16).toString('base64')],
    ['base64 of 33 bytes', randomBytes(33).toString('base64')],
    ['an empty string', ''],
  ])('refuses %s with InvalidArgumentError that does not echo it', (_form, key) => {
    const error = thrown(() => parseEncryptionKey(key));
    expect(isInvalidArgumentError(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(/32 bytes/);
    const text = typeof key === 'string' ? key : key.toString('hex');
    if (text.length > 0) expect(message).not.toContain(text);
    if (typeof key !== 'string') expect(message).not.toContain(key.toString('base64'));
  });
});

describe('encrypt', () => {
  it('produces a versioned AES-256-GCM envelope with a 12-byte IV and a 16-byte tag', () => {
    const envelope = encrypt(PLAINTEXT, KEY, AAD);
    expect(isEncryptedEnvelope(envelope)).toBe(true);
    expect(envelope).toMatchObject({ v: 1, alg: 'A256GCM' });
    expect(Buffer.from(envelope.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(envelope.tag, 'base64')).toHaveLength(16);
    expect(JSON.stringify(envelope)).not.toContain('secret-token');
  });

  it('uses a fresh IV for every write', () => {
    const ivs = new Set(Array.from({ length: 50 }, () => encrypt(PLAINTEXT, KEY, AAD).iv));
    expect(ivs.size).toBe(50);
  });
});

describe('decrypt', () => {
  it('round-trips with the same key and additional data', () => {
    expect(decrypt(encrypt(PLAINTEXT, KEY, AAD), KEY.toString('hex'), AAD)).toBe(PLAINTEXT);
  });

  const tampered: [string, (e: EncryptedEnvelope) => unknown, string?, Buffer?][] = [
    ['a changed tag', (e) => ({ ...e, tag: flip(e.tag) })],
    [
      'a truncated tag',
      (e) => ({ ...e, tag: Buffer.from(e.tag, 'base64').subarray(0, 12).toString('base64') }),
    ],
    ['changed data', (e) => ({ ...e, data: flip(e.data, 3) })],
    ['a changed IV', (e) => ({ ...e, iv: flip(e.iv) })],
    ['another store name as additional data', (e) => e, 'other-store'],
    ['another key', (e) => e, AAD, randomBytes(32)],
    ['a malformed envelope', (e) => ({ ...e, alg: 'none' })],
    ['not an object', () => 'plain'],
  ];
  it.each(tampered)('rejects %s with a typed error', (_case, change, aad = AAD, key = KEY) => {
    const error = thrown(() => decrypt(change(encrypt(PLAINTEXT, KEY, AAD)), key, aad));
    expect(isCacheError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('ERR_CACHE_DECRYPTION');
    expect((error as Error).message).not.toContain('secret-token');
  });
});
