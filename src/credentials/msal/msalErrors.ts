import {
  AuthenticationError,
  AuthenticationRequiredError,
  InvalidArgumentError,
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

function unknownError(error: unknown, secrets: readonly string[]): AuthenticationError {
  const message = error instanceof Error ? error.message : String(error);
  return new AuthenticationError(400, {
    error: 'unknown_error',
    errorDescription: redact(message, secrets),
  });
}
