import {
  AuthError,
  ClientConfigurationError,
  InteractionRequiredAuthError,
  ServerError,
} from '@azure/msal-node';
import {
  AuthenticationError,
  AuthenticationRequiredError,
  InvalidArgumentError,
  isIdentityError,
  NetworkError,
} from '../../errors.js';
import { redact } from '../../telemetry/redact.js';
import { carriedError } from './networkClient.js';

/**
 * Turns whatever MSAL threw into one of the library's typed errors. Errors from our network module
 * are unwrapped unchanged; MSAL's own are mapped by kind, their text redacted.
 */
export function fromMsalError(
  error: unknown,
  secrets: readonly string[] = [],
  scopes: string[] = [],
): Error {
  const carried = carriedError(error);
  if (carried !== undefined) return carried;
  if (isIdentityError(error)) return error;
  if (error instanceof InteractionRequiredAuthError) {
    return new AuthenticationRequiredError(
      scopes,
      `Interactive authentication is required: ${redact(error.errorMessage, secrets)}`,
      { cause: error },
    );
  }
  if (error instanceof ServerError) {
    return new AuthenticationError(error.status ?? 400, {
      error: error.errorCode,
      errorDescription: redact(error.errorMessage, secrets),
    });
  }
  if (error instanceof ClientConfigurationError) {
    return new InvalidArgumentError(
      `MSAL rejected the configuration: ${redact(error.message, secrets)}`,
    );
  }
  if (error instanceof AuthError) {
    if (error.errorCode === 'network_error')
      return new NetworkError(redact(error.message, secrets));
    return new AuthenticationError(400, {
      error: error.errorCode,
      errorDescription: redact(error.errorMessage, secrets),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AuthenticationError(400, {
    error: 'unknown_error',
    errorDescription: redact(message, secrets),
  });
}
