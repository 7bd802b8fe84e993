import type { AccessToken } from '@azure/core-auth';
import { AuthenticationError, InvalidResponseError } from '../../errors.js';
import { bodyExcerpt, parseRetryAfter, parseSeconds } from '../msal/oauthResponse.js';
import type { MiResponse } from './miHttp.js';

/** Tokens that live longer than this are refreshed at half their lifetime (msal-node's rule). */
export const HALF_LIFE_REFRESH_THRESHOLD_MS = 2 * 3600_000;

/**
 * Maps a managed identity endpoint's answer to an `AccessToken`. `expires_on` may be epoch
 * seconds (number or string) or a date string; `expires_in` is the fallback. Tokens living more
 * than two hours get `refreshAfterTimestamp` at half their lifetime, so a 24-hour token refreshes
 * at about 12 hours. Errors carry the status and a redacted body excerpt, never a token.
 */
export function parseMiResponse(response: MiResponse, now: number, source: string): AccessToken {
  if (response.status < 200 || response.status >= 300) throw miError(response, now, source);
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(response.text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new TypeError('not an object');
    body = parsed as Record<string, unknown>;
  } catch (error) {
    throw new InvalidResponseError(
      `${source} answered ${response.status} with a body that is not a JSON object: ${bodyExcerpt(response.text)}`,
      { cause: error },
    );
  }
  const token = body.access_token;
  if (typeof token !== 'string' || token === '')
    throw new InvalidResponseError(`${source} returned no "access_token".`);
  const expiresOnTimestamp = expiry(body, now, source);
  const result: AccessToken = { token, expiresOnTimestamp, tokenType: 'Bearer' };
  const lifetime = expiresOnTimestamp - now;
  const refreshIn = parseSeconds(body.refresh_in);
  if (refreshIn !== undefined) result.refreshAfterTimestamp = now + refreshIn * 1000;
  else if (lifetime > HALF_LIFE_REFRESH_THRESHOLD_MS)
    result.refreshAfterTimestamp = now + lifetime / 2;
  return result;
}

function expiry(body: Record<string, unknown>, now: number, source: string): number {
  const expiresOn = body.expires_on;
  const seconds = parseSeconds(expiresOn);
  if (seconds !== undefined) return seconds * 1000;
  if (typeof expiresOn === 'string' && expiresOn.trim() !== '') {
    const parsed = Date.parse(expiresOn);
    if (!Number.isNaN(parsed)) return parsed;
  }
  const expiresIn = parseSeconds(body.expires_in);
  if (expiresIn !== undefined) return now + expiresIn * 1000;
  throw new InvalidResponseError(`${source} returned no valid "expires_on" or "expires_in".`);
}

/** The error of a non-2xx answer: `AuthenticationError` with the status and a body excerpt. */
export function miError(
  response: MiResponse,
  now: number,
  source: string,
  transient?: boolean,
): AuthenticationError {
  let error = 'unknown_error';
  let description = bodyExcerpt(response.text);
  try {
    const body = JSON.parse(response.text) as {
      error?: unknown;
      error_description?: unknown;
      message?: unknown;
    };
    const code =
      typeof body.error === 'object' && body.error !== null
        ? (body.error as { code?: unknown }).code
        : body.error;
    if (typeof code === 'string') error = code;
    const text =
      body.error_description ??
      body.message ??
      (body.error as { message?: unknown } | undefined)?.message;
    if (typeof text === 'string') description = bodyExcerpt(text);
  } catch {
    // Not JSON: the excerpt says what came back.
  }
  return new AuthenticationError(
    response.status,
    { error, errorDescription: `${source} answered ${response.status}: ${description}` },
    { retryAfterMs: parseRetryAfter(response.headers, now), transient },
  );
}
