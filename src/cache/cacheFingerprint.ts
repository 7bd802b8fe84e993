import { createHmac, randomBytes } from 'node:crypto';
import { parseEncryptionKey } from './encryption.js';
import { toStoreOptions, type PersistenceOptions } from './persistenceOptions.js';
import { resolveRedisOptions, type DistributedCacheOptions } from './redis/redisOptions.js';

// Keyed per process: a fingerprint says nothing outside it, even of a guessable key.
const FINGERPRINT_KEY = randomBytes(32);
const identities = new WeakMap<object, number>();
let nextIdentity = 0;

/**
 * A one-way fingerprint (HMAC-SHA-256 under a per-process random key) of every setting of a
 * persistent and a distributed cache, with their encryption keys resolved (from the option or
 * the environment): two option sets get the same fingerprint only when they would build the same
 * layers (`onWarning` aside: it decides nothing stored). It never holds a key, a password or a
 * path in clear. Bad options throw the typed error the layers would.
 */
export function cacheFingerprint(
  disk: PersistenceOptions | undefined,
  redis: DistributedCacheOptions | undefined,
): string {
  const settings = [
    disk === undefined ? null : diskSettings(disk),
    redis === undefined ? null : redisSettings(redis),
  ];
  return createHmac('sha256', FINGERPRINT_KEY).update(canonical(settings)).digest('base64url');
}

function diskSettings(disk: PersistenceOptions): unknown {
  const store = toStoreOptions(disk, disk.name ?? '');
  return {
    name: disk.name ?? null,
    directory: store.directory,
    key: keyBytes(store.encryptionKey),
    unsafe: store.unsafeAllowUnencryptedStorage === true,
    lockStaleMs: store.lockStaleMs ?? null,
    lockWaitMs: store.lockWaitMs ?? null,
  };
}

function redisSettings(redis: DistributedCacheOptions): unknown {
  const resolved = resolveRedisOptions(redis);
  return { ...resolved, key: resolved.key ?? null, tls: resolved.tls ?? null };
}

/** The key's bytes when it parses (the layer refuses it otherwise, with its own error). */
function keyBytes(key: PersistenceOptions['encryptionKey']): unknown {
  if (key === undefined) return null;
  try {
    return parseEncryptionKey(key);
  } catch {
    return key;
  }
}

/**
 * A stable text of a value: object keys sorted, bytes as base64; a function or an object that is
 * not plain data (a secure context, a class instance) by identity, so only the same one matches.
 */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `b:${Buffer.from(value).toString('base64')}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return `#${identity(value as object)}`;
}

function identity(value: object): number {
  let id = identities.get(value);
  if (id === undefined) {
    id = ++nextIdentity;
    identities.set(value, id);
  }
  return id;
}
