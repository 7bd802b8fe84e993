/**
 * The library's typed errors. Callers branch on `code` (or the guards below), never on message
 * text. Names match `@azure/identity` so code that checks `error.name` keeps working, and the
 * four errors it exports take its constructor arguments as well as this package's.
 */
import type { GetTokenOptions } from '@azure/core-auth';

import {
  codeOf,
  IDENTITY_ERROR_CODES,
  type CacheErrorCode,
  type IdentityErrorCode,
} from './errorCodes.js';
import {
  isTransientStatus,
  toErrorResponse,
  type AuthenticationErrorBody,
  type ErrorResponse,
} from './errorResponse.js';

/** Error names, exported as `@azure/identity` does so checks work across package copies. */
export const CredentialUnavailableErrorName = 'CredentialUnavailableError';
export const AuthenticationErrorName = 'AuthenticationError';
export const AggregateAuthenticationErrorName = 'AggregateAuthenticationError';
export const AuthenticationRequiredErrorName = 'AuthenticationRequiredError';

/** Options every error accepts. */
export interface IdentityErrorOptions {
  cause?: unknown;
  /** For transient failures: how long the authority asked us to wait (Retry-After), in ms. */
  retryAfterMs?: number;
  /** Overrides whether the failure is worth retrying later (default: from the status or kind). */
  transient?: boolean;
  /**
   * The credential already retried this failure as far as its own policy goes (managed identity's
   * host schedules): the engine does not retry a first acquisition again. Refreshes still retry
   * while the current token lasts.
   */
  retriesExhausted?: boolean;
}

/** The base of every error this library throws. */
export abstract class IdentityError extends Error {
  abstract readonly code: IdentityErrorCode;
  /** Whether retrying the same request later may succeed (429, 5xx, network failures). */
  readonly transient: boolean = false;
  readonly retryAfterMs?: number;
  /** See {@link IdentityErrorOptions.retriesExhausted}. */
  readonly retriesExhausted: boolean;

  constructor(message: string, options: IdentityErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
    this.retriesExhausted = options.retriesExhausted === true;
  }
}

/** The credential cannot try: configuration, a tool or an endpoint is missing. Chains move on. */
export class CredentialUnavailableError extends IdentityError {
  readonly code = 'ERR_CREDENTIAL_UNAVAILABLE' as const;
  override readonly name = CredentialUnavailableErrorName;

  /** As in `@azure/identity`: `new CredentialUnavailableError(message?, { cause }?)`. */
  constructor(message?: string, options: IdentityErrorOptions = {}) {
    super(message ?? '', options);
  }
}

export type { AuthenticationErrorBody, ErrorResponse } from './errorResponse.js';
export { codeOf, describeError, IDENTITY_ERROR_CODES } from './errorCodes.js';
export type { CacheErrorCode, IdentityErrorCode } from './errorCodes.js';

/** The credential tried and the authority said no. Carries the status and the authority's error. */
export class AuthenticationError extends IdentityError {
  readonly code = 'ERR_AUTHENTICATION_FAILED' as const;
  override readonly name = AuthenticationErrorName;
  override readonly transient: boolean;
  readonly statusCode: number;
  readonly errorResponse: ErrorResponse;

  /**
   * @param errorBody - the authority's error, mapped to an {@link ErrorResponse} as
   *   `@azure/identity` maps it: a raw OAuth body's snake_case fields become camelCase; other text
   *   becomes `invalid_request` (status 400) or `unknown_error` with the text as its description;
   *   nothing, or an object that is not an OAuth error, becomes `unknown_error`.
   */
  constructor(
    statusCode: number,
    errorBody: AuthenticationErrorBody,
    options: IdentityErrorOptions = {},
  ) {
    const errorResponse = toErrorResponse(statusCode, errorBody);
    super(
      `${errorResponse.error} Status code: ${statusCode}\nMore details:\n${errorResponse.errorDescription}`,
      options,
    );
    this.statusCode = statusCode;
    this.errorResponse = errorResponse;
    this.transient = options.transient ?? isTransientStatus(statusCode);
  }
}

/** The options of {@link AuthenticationRequiredError}, as `@azure/identity` names them. */
export interface AuthenticationRequiredErrorOptions {
  /** The scopes of the request that needs the user. */
  scopes: string[];
  /** The options of that `getToken` call. */
  getTokenOptions?: GetTokenOptions;
  message?: string;
  cause?: unknown;
}

/** Interactive authentication is needed before a token can be had silently. */
export class AuthenticationRequiredError extends IdentityError {
  readonly code = 'ERR_AUTHENTICATION_REQUIRED' as const;
  override readonly name = AuthenticationRequiredErrorName;
  readonly scopes: string[];
  readonly getTokenOptions?: GetTokenOptions;

  /** As in `@azure/identity`: `new AuthenticationRequiredError({ scopes, getTokenOptions, message, cause })`. */
  constructor(options: AuthenticationRequiredErrorOptions);
  constructor(
    scopes: string[],
    message: string,
    options?: IdentityErrorOptions & { getTokenOptions?: GetTokenOptions },
  );
  constructor(
    scopesOrOptions: string[] | AuthenticationRequiredErrorOptions,
    message?: string,
    options: IdentityErrorOptions & { getTokenOptions?: GetTokenOptions } = {},
  ) {
    const { scopes, getTokenOptions, ...rest } = Array.isArray(scopesOrOptions)
      ? { ...options, scopes: scopesOrOptions, message }
      : scopesOrOptions;
    super(rest.message ?? '', rest);
    this.scopes = scopes;
    this.getTokenOptions = getTokenOptions;
  }
}

/** Every link of a chain failed; `errors` holds each link's error in order. */
export class AggregateAuthenticationError extends IdentityError {
  readonly code = 'ERR_AGGREGATE_AUTHENTICATION' as const;
  override readonly name = AggregateAuthenticationErrorName;
  /** Each link's error, in order (typed `any[]`, as in `@azure/identity`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the anchor's type
  readonly errors: any[];

  /**
   * @param links - the name of the link each error came from, to head its line (the error's
   *   class name otherwise)
   */
  constructor(
    errors: unknown[],
    heading = 'ChainedTokenCredential authentication failed.',
    links?: readonly string[],
  ) {
    super([heading, ...errors.map((error, i) => linkLine(error, links?.[i]))].join('\n'));
    this.errors = errors;
  }
}

/** A caller passed input that can never work (an empty scope, a malformed tenant id...). */
export class InvalidArgumentError extends IdentityError {
  readonly code = 'ERR_INVALID_ARGUMENT' as const;
  override readonly name = 'InvalidArgumentError';
}

/** An authority or endpoint answered with something that is not a valid response. */
export class InvalidResponseError extends IdentityError {
  readonly code = 'ERR_INVALID_RESPONSE' as const;
  override readonly name = 'InvalidResponseError';
}

/** A request never got an HTTP answer (refused, reset, timed out). Retried as transient. */
export class NetworkError extends IdentityError {
  readonly code = 'ERR_NETWORK' as const;
  override readonly name = 'NetworkError';
  override readonly transient: boolean;

  constructor(message: string, options: IdentityErrorOptions = {}) {
    super(message, options);
    this.transient = options.transient ?? true;
  }
}

/** The caller's `abortSignal` fired. Named as `@azure/abort-controller`'s error. */
export class AbortError extends IdentityError {
  readonly code = 'ERR_ABORTED' as const;
  override readonly name = 'AbortError';
}

/**
 * A client certificate cannot be used: no private key, a wrong password, a key that does not
 * match, expired or not yet valid. The message names the file, never its content.
 */
export class CertificateError extends IdentityError {
  readonly code = 'ERR_INVALID_CERTIFICATE' as const;
  override readonly name = 'CertificateError';
}

/** The credential or manager was closed while the caller waited. */
export class ClosedError extends IdentityError {
  readonly code = 'ERR_CLOSED' as const;
  override readonly name = 'ClosedError';
}

/**
 * Typed failures of the persistent cache. The layered cache reports them and carries on from
 * memory, because the credential, not the cache, is the source of truth.
 */
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

function hasCode(error: unknown, code: IdentityErrorCode): boolean {
  return codeOf(error) === code;
}

const CODES: ReadonlySet<string> = new Set(IDENTITY_ERROR_CODES);

/** True for any error of this library (by code, so copies of the library agree; Node's own `ERR_*` codes are not ours). */
export function isIdentityError(error: unknown): error is IdentityError {
  const code = codeOf(error);
  return code !== undefined && CODES.has(code) && error instanceof Error;
}

/** True for any cache error (by code, so copies of the library agree). */
export function isCacheError(error: unknown): error is CacheError {
  return isIdentityError(error) && error.code.startsWith('ERR_CACHE_');
}
export const isCredentialUnavailableError = (e: unknown): e is CredentialUnavailableError =>
  hasCode(e, 'ERR_CREDENTIAL_UNAVAILABLE') ||
  (e instanceof Error && e.name === CredentialUnavailableErrorName);
export const isAuthenticationError = (e: unknown): e is AuthenticationError =>
  hasCode(e, 'ERR_AUTHENTICATION_FAILED');
// By name too, as @azure/identity's own chain does: its errors carry no code.
export const isAuthenticationRequiredError = (e: unknown): e is AuthenticationRequiredError =>
  hasCode(e, 'ERR_AUTHENTICATION_REQUIRED') ||
  (e instanceof Error && e.name === AuthenticationRequiredErrorName);
export const isAggregateAuthenticationError = (e: unknown): e is AggregateAuthenticationError =>
  hasCode(e, 'ERR_AGGREGATE_AUTHENTICATION');
export const isInvalidArgumentError = (e: unknown): e is InvalidArgumentError =>
  hasCode(e, 'ERR_INVALID_ARGUMENT');
export const isAbortError = (e: unknown): e is AbortError =>
  hasCode(e, 'ERR_ABORTED') || (e instanceof Error && e.name === 'AbortError');

/** Whether a failed attempt may succeed if tried again later. */
export function isTransientError(error: unknown): boolean {
  return isIdentityError(error) && error.transient;
}

export { isTransientStatus } from './errorResponse.js';

function linkLine(error: unknown, link?: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const name = link ?? (error instanceof Error ? error.name : undefined);
  return name === undefined ? message : `${name}: ${message}`;
}
