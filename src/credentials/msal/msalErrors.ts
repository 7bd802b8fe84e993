import {
  AuthenticationError,
  AuthenticationRequiredError,
  InvalidArgumentError,
  isAuthenticationRequiredError,
  isIdentityError,
  NetworkError,
} from '../../errors.js';
import { redact } from '../../telemetry/redact.js';
import { loadedMsal } from './msalModule.js';
import { carriedError } from './networkClient.js';

/**
 * Turns whatever MSAL threw into one of the library's typed errors. Errors from our network module
 * are unwrapped unchanged; MSAL's own are mapped by kind, their text redacted. MSAL's error
 * classes are those of the loaded module: before it is loaded, no error can be MSAL's.
 */
export function fromMsalError(
  error: unknown,
  secrets: readonly string[] = [],
  scopes: string[] = [],
): Error {
  const carried = carriedError(error);
  if (carried !== undefined) return carried;
  if (isIdentityError(error)) return error;
  const msal = loadedMsal();
  if (msal === undefined) return unknownError(error, secrets);
  if (error instanceof msal.InteractionRequiredAuthError) {
    return new AuthenticationRequiredError(
      scopes,
      `Interactive authentication is required: ${redact(error.errorMessage, secrets)}`,
      { cause: error },
    );
  }
  if (error instanceof msal.ServerError) {
    return new AuthenticationError(error.status ?? 400, {
      error: error.errorCode,
      errorDescription: redact(error.errorMessage, secrets),
    });
  }
  if (error instanceof msal.ClientConfigurationError) {
    return new InvalidArgumentError(
      `MSAL rejected the configuration: ${redact(error.message, secrets)}`,
    );
  }
  if (error instanceof msal.AuthError) {
    if (error.errorCode === 'network_error')
      return new NetworkError(redact(error.message, secrets));
    return new AuthenticationError(400, {
      error: error.errorCode,
      errorDescription: redact(error.errorMessage, secrets),
    });
  }
  return unknownError(error, secrets);
}

/**
 * The authority's and MSAL's error codes that, in answer to a silent (refresh token) request, mean
 * the user must sign in again: a refresh token expired (AADSTS700082), revoked or reset with the
 * password (AADSTS50173), consent or MFA now required, or no refresh token at all.
 */
const SIGN_IN_AGAIN = new Set([
  'invalid_grant',
  'interaction_required',
  'login_required',
  'consent_required',
  'bad_token',
  'no_tokens_found',
  'refresh_token_expired',
]);

/**
 * An error of a silent request as the credential must treat it: one that means the user must sign
 * in again is an `AuthenticationRequiredError` (its cause the authority's error), anything else
 * (network, throttling, a 5xx, a bad response) is returned as it is.
 */
export function fromSilentError(error: unknown, scopes: string[]): unknown {
  if (isAuthenticationRequiredError(error) || !(error instanceof AuthenticationError)) return error;
  if (error.transient || !SIGN_IN_AGAIN.has(error.errorResponse.error)) return error;
  return new AuthenticationRequiredError(
    scopes,
    `Interactive authentication is required: the authority refused the refresh token. ${error.message}`,
    { cause: error },
  );
}

function unknownError(error: unknown, secrets: readonly string[]): AuthenticationError {
  const message = error instanceof Error ? error.message : String(error);
  return new AuthenticationError(400, {
    error: 'unknown_error',
    errorDescription: redact(message, secrets),
  });
}
