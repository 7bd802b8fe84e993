/**
 * Typed failures of the persistent cache. They stay inside the cache: the layered cache reports
 * them and carries on from memory, because the credential, not the cache, is the source of truth.
 * Callers branch on `code`, never on message text.
 */

import { IdentityError, type IdentityErrorCode } from '../errors.js';

/** Every code a cache error can carry. */
export type CacheErrorCode = Extract<IdentityErrorCode, `ERR_CACHE_${string}`>;

/** The base of the cache's errors: library errors whose code starts with `ERR_CACHE_`. */
export abstract class CacheError extends IdentityError {
  abstract override readonly code: CacheErrorCode;
}

/** Another process held a lock for longer than `lockWaitMs`; the caller should degrade. */
export class CacheLockTimeoutError extends CacheError {
  readonly code = 'ERR_CACHE_LOCK_TIMEOUT' as const;
  override readonly name = 'CacheLockTimeoutError';
}

/**
 * This process lost a lock it held (it could not refresh it within `lockStaleMs`, so another
 * process may have broken it); the write it guarded was abandoned.
 */
export class CacheLockCompromisedError extends CacheError {
  readonly code = 'ERR_CACHE_LOCK_COMPROMISED' as const;
  override readonly name = 'CacheLockCompromisedError';
}

/** Encrypted content failed authentication: a wrong key, another store's file, or tampering. */
export class CacheDecryptionError extends CacheError {
  readonly code = 'ERR_CACHE_DECRYPTION' as const;
  override readonly name = 'CacheDecryptionError';
}

/** The cache directory is not a directory, or is owned by another user. */
export class UnsafeCacheDirectoryError extends CacheError {
  readonly code = 'ERR_CACHE_UNSAFE_DIRECTORY' as const;
  override readonly name = 'UnsafeCacheDirectoryError';
}

/** True for any cache error (by code, so copies of the library agree). */
export function isCacheError(error: unknown): error is CacheError {
  const code =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_CACHE_') && error instanceof Error;
}

/** A short, secret-free description of any error (its code or name) for warnings. */
export function describeCause(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown error';
}
