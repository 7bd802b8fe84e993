/** The codes of the library's errors, and the one way to read a code off anything thrown. */

/** Every code an error of this library can carry: the one list. */
export const IDENTITY_ERROR_CODES = [
  'ERR_CREDENTIAL_UNAVAILABLE',
  'ERR_AUTHENTICATION_FAILED',
  'ERR_AUTHENTICATION_REQUIRED',
  'ERR_AGGREGATE_AUTHENTICATION',
  'ERR_INVALID_ARGUMENT',
  'ERR_INVALID_RESPONSE',
  'ERR_NETWORK',
  'ERR_ABORTED',
  'ERR_CLOSED',
  'ERR_INVALID_CERTIFICATE',
  'ERR_CACHE_LOCK_TIMEOUT',
  'ERR_CACHE_LOCK_COMPROMISED',
  'ERR_CACHE_DECRYPTION',
  'ERR_CACHE_UNSAFE_DIRECTORY',
] as const;

/** Every code an error of this library can carry. */
export type IdentityErrorCode = (typeof IDENTITY_ERROR_CODES)[number];

/** The codes of the persistent cache's errors. */
export type CacheErrorCode = Extract<IdentityErrorCode, `ERR_CACHE_${string}`>;

/** The `code` property of anything thrown, when it is a string. The one reader of codes. */
export function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A short, secret-free description of any error, for events, metrics and warnings: its code, else
 * its class name.
 */
export function describeError(error: unknown): string {
  return codeOf(error) ?? (error instanceof Error ? error.name : 'unknown');
}
