import type { ConnectionOptions } from 'node:tls';
import { InvalidArgumentError } from '../../errors.js';
import {
  parseEncryptionKey,
  REACTIVE_IDENTITY_CACHE_KEY,
  type CacheEncryptionKey,
} from '../encryption.js';
import { DEFAULT_CACHE_NAME } from '../persistenceOptions.js';

/** The environment variable that turns the Redis layer on for the process-wide engine. */
export const REACTIVE_IDENTITY_REDIS_URL = 'REACTIVE_IDENTITY_REDIS_URL';

/** A lock whose holder died frees after at most this long; a live holder renews it. Default 10 s. */
export const DEFAULT_REDIS_LOCK_TTL_MS = 10_000;
/**
 * How long a machine waits for another's acquisition before it acquires itself. Default 10 s:
 * with the disk lock's 30 s before it, well within a caller's deadline (the sidecar's is 60 s).
 */
export const DEFAULT_REDIS_LOCK_WAIT_MS = 10_000;
/** Deadline of each Redis command: a slower answer counts as a miss. Default 1 s. */
export const DEFAULT_REDIS_TIMEOUT_MS = 1_000;
/** The bounded poll of a lock's waiters, behind the pub/sub wake-up. */
export const REDIS_LOCK_POLL_MS = 250;

/**
 * The Redis layer: tokens shared by every machine of a fleet, one acquisition per key per refresh
 * window across all of them. Values are AES-256-GCM encrypted with the disk cache's key; key,
 * channel and lock names are one-way hashes of the engine's key.
 */
export interface DistributedCacheOptions {
  /**
   * `redis://[[username]:password@]host[:port][/db]`, or `rediss://` for TLS. Credentials in the
   * URL are used for Redis ACL (`AUTH username password`) and never appear in events or errors.
   */
  url: string;
  /** Names the cache: hashed into every key and authenticated with every value. Default `'reactive-identity'`. */
  name?: string;
  /** Prefix of every Redis key and channel this layer uses (for ACL patterns). Default `<name>:`. */
  keyPrefix?: string;
  /**
   * 32 bytes as a Buffer, base64 or 64 hex characters: the disk cache's key. Default
   * `env.REACTIVE_IDENTITY_CACHE_KEY`. Without a key the layer refuses to start unless
   * `unsafeAllowUnencryptedStorage`.
   */
  encryptionKey?: CacheEncryptionKey;
  /** Store tokens in Redis as plain JSON when there is no key. Default false. */
  unsafeAllowUnencryptedStorage?: boolean;
  /**
   * TTL of a key's acquisition lock. The holder renews it every third of the TTL until it
   * releases, so it only lapses when the holder dies: then the others take over after at most
   * this long. A holder keeps it at most `max(lockWaitMs, lockTtlMs)` (by then a waiter would
   * have stopped waiting): an acquisition still running then releases it, with a warning, and
   * the others acquire on their own. Default 10 000; at least 100.
   */
  lockTtlMs?: number;
  /**
   * How long a machine waits for another's acquisition of the same key before it acquires on its
   * own. Default 10 000 (a machine may wait up to the disk lock's `lockWaitMs` first: the two
   * add up, and should stay well below the caller's deadline); 0 never waits.
   */
  lockWaitMs?: number;
  /**
   * Deadline of each Redis command and of the first connection (made in the background when the
   * layer is built): a slower answer is a miss. Default 1000.
   */
  timeoutMs?: number;
  /** TLS settings for `rediss://` (for example `{ ca }`), as `tls.connect` takes them. */
  tls?: ConnectionOptions;
  /** Read for `REACTIVE_IDENTITY_CACHE_KEY`. Default: the credential's `env`, else `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The options with every default filled in and every value checked. */
export interface ResolvedRedisOptions {
  url: string;
  /** `host:port`, for messages: never the credentials of the URL. */
  target: string;
  name: string;
  keyPrefix: string;
  /** The encryption key, or undefined for plain values (only with the unsafe opt-in). */
  key: Buffer | undefined;
  lockTtlMs: number;
  lockWaitMs: number;
  timeoutMs: number;
  tls: ConnectionOptions | undefined;
}

const NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const PREFIX_PATTERN = /^[\x21-\x7e]{0,100}$/;

/**
 * Checks `options` and fills in the defaults. Bad input gets an {@link InvalidArgumentError}
 * whose message never repeats the URL (it may hold a password).
 */
export function resolveRedisOptions(options: DistributedCacheOptions): ResolvedRedisOptions {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('distributedCache must be an object such as { url }.');
  const target = checkUrl(options.url);
  const name = options.name ?? DEFAULT_CACHE_NAME;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name))
    throw new InvalidArgumentError(
      'distributedCache.name may hold only letters, digits, ".", "_" and "-", and not start with ".".',
    );
  const keyPrefix = options.keyPrefix ?? `${name}:`;
  if (typeof keyPrefix !== 'string' || !PREFIX_PATTERN.test(keyPrefix))
    throw new InvalidArgumentError(
      'distributedCache.keyPrefix must be at most 100 printable ASCII characters without spaces.',
    );
  return {
    url: options.url,
    target,
    name,
    keyPrefix,
    key: resolveKey(options),
    lockTtlMs: integer('lockTtlMs', options.lockTtlMs, DEFAULT_REDIS_LOCK_TTL_MS, 100),
    lockWaitMs: integer('lockWaitMs', options.lockWaitMs, DEFAULT_REDIS_LOCK_WAIT_MS, 0),
    timeoutMs: integer('timeoutMs', options.timeoutMs, DEFAULT_REDIS_TIMEOUT_MS, 1),
    tls: options.tls,
  };
}

/**
 * The longest a machine holds a key's lock, `max(lockWaitMs, lockTtlMs)`: a waiter would have
 * given up by then, so holding longer only makes newcomers wait in vain.
 */
export function maxLockHoldMs(
  options: Pick<ResolvedRedisOptions, 'lockTtlMs' | 'lockWaitMs'>,
): number {
  return Math.max(options.lockWaitMs, options.lockTtlMs);
}

/**
 * The distributed cache the process-wide engine uses: the option when given (reading `env`, the
 * credential's, for the key unless it has its own), else one on `REACTIVE_IDENTITY_REDIS_URL`
 * when that is set, else none.
 */
export function distributedCacheFrom(
  option: DistributedCacheOptions | undefined,
  env: Readonly<Record<string, string | undefined>>,
): DistributedCacheOptions | undefined {
  if (option !== undefined) return option.env === undefined ? { ...option, env } : option;
  const url = env[REACTIVE_IDENTITY_REDIS_URL]?.trim();
  return url === undefined || url === '' ? undefined : { url, env };
}

function checkUrl(url: unknown): string {
  const help =
    `The Redis cache URL (distributedCache.url, or ${REACTIVE_IDENTITY_REDIS_URL}) must be a ` +
    'redis:// or rediss:// URL, such as redis://127.0.0.1:6379';
  if (typeof url !== 'string')
    throw new InvalidArgumentError(
      `${help}; got ${url === undefined ? 'nothing' : `a ${typeof url}`}.`,
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError(`${help}; got a string that is not a URL.`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new InvalidArgumentError(`${help}; got the scheme "${parsed.protocol}".`);
  if (parsed.hostname === '') throw new InvalidArgumentError(`${help}; got no host.`);
  return `${parsed.hostname}:${parsed.port || '6379'}`;
}

function resolveKey(options: DistributedCacheOptions): Buffer | undefined {
  const env = options.env ?? process.env;
  if (options.encryptionKey !== undefined) return parseEncryptionKey(options.encryptionKey);
  const fromEnv = env[REACTIVE_IDENTITY_CACHE_KEY];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    try {
      return parseEncryptionKey(fromEnv);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new InvalidArgumentError(`${REACTIVE_IDENTITY_CACHE_KEY}: ${message}`, {
        cause: error,
      });
    }
  }
  if (options.unsafeAllowUnencryptedStorage === true) return undefined;
  throw new InvalidArgumentError(
    `The Redis token cache would hold tokens unencrypted. Set the ${REACTIVE_IDENTITY_CACHE_KEY} ` +
      'environment variable (or distributedCache.encryptionKey) to 32 bytes as base64 or 64 hex ' +
      'characters (e.g. `openssl rand -base64 32`), the same on every machine, or opt in with ' +
      'unsafeAllowUnencryptedStorage: true.',
  );
}

function integer(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw new InvalidArgumentError(
      `distributedCache.${name} must be an integer of at least ${min} (ms); got ${typeof value === 'number' ? value : `a ${typeof value}`}.`,
    );
  return value;
}
