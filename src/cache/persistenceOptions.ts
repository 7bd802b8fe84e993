import { homedir } from 'node:os';
import { InvalidArgumentError, isInvalidArgumentError } from '../errors.js';
import { defaultCacheDirectory } from './cacheDirectory.js';
import { REACTIVE_IDENTITY_CACHE_KEY, type CacheEncryptionKey } from './encryption.js';
import type { LockedFileStoreOptions } from './lockedFileStore.js';

/** The default name of the persistent cache (its file is `<name>.json`). */
export const DEFAULT_CACHE_NAME = 'reactive-identity';

/** Options shared by every persistent cache (the disk layer and the MSAL cache store). */
export interface PersistenceOptions {
  /** Names the cache's files. Default `'reactive-identity'`. */
  name?: string;
  /** Default `defaultCacheDirectory(env, process.platform, os.homedir())`. */
  directory?: string;
  /**
   * 32 bytes as a Buffer, base64 or 64 hex characters. Default: `env.REACTIVE_IDENTITY_CACHE_KEY`.
   * Without a key the cache refuses to start unless `unsafeAllowUnencryptedStorage`.
   */
  encryptionKey?: CacheEncryptionKey;
  /** Store plain JSON when there is no key. Default false. */
  unsafeAllowUnencryptedStorage?: boolean;
  /** A lock older than this is broken (its process is taken for dead). Default 10 000, min 2 000. */
  lockStaleMs?: number;
  /** How long a contended lock is retried before a typed timeout. Default 30 000. */
  lockWaitMs?: number;
  /** Read for the key and the default directory. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Told about quarantined files and lost locks. Default: ignored. */
  onWarning?: (message: string) => void;
}

/** The options of the {@link LockedFileStore} named `storeName` that `options` describe. */
export function toStoreOptions(
  options: PersistenceOptions,
  storeName: string,
): LockedFileStoreOptions {
  const env = options.env ?? process.env;
  return {
    directory: options.directory ?? defaultCacheDirectory(env, process.platform, homedir()),
    name: storeName,
    encryptionKey: options.encryptionKey ?? nonEmpty(env[REACTIVE_IDENTITY_CACHE_KEY]),
    unsafeAllowUnencryptedStorage: options.unsafeAllowUnencryptedStorage,
    lockStaleMs: options.lockStaleMs,
    lockWaitMs: options.lockWaitMs,
    onWarning: options.onWarning,
  };
}

/**
 * Builds a store, naming the environment variable when the key it held is refused (a set but
 * malformed key never falls back to plain files).
 */
export function createStore<T>(
  options: PersistenceOptions,
  storeName: string,
  create: (storeOptions: LockedFileStoreOptions) => T,
): T {
  try {
    return create(toStoreOptions(options, storeName));
  } catch (error) {
    if (options.encryptionKey !== undefined || !isInvalidArgumentError(error)) throw error;
    if (nonEmpty((options.env ?? process.env)[REACTIVE_IDENTITY_CACHE_KEY]) === undefined)
      throw error;
    throw new InvalidArgumentError(`${REACTIVE_IDENTITY_CACHE_KEY}: ${error.message}`, {
      cause: error,
    });
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
