import type { AccessToken } from '@azure/core-auth';
import { AuthenticationError, InvalidResponseError } from '../../errors.js';
import {
  MAX_TIMESTAMP_MS,
  parseRefreshIn,
  parseRetryAfter,
  parseSeconds,
} from '../msal/oauthResponse.js';
import { bodyExcerpt, bodySecrets, redactBody } from '../http/responseText.js';
import type { MiResponse } from './miHttp.js';

/** Tokens that live longer than this are refreshed at half their lifetime (msal-node's rule). */
export const HALF_LIFE_REFRESH_THRESHOLD_MS = 2 * 3600_000;

/**
 * Maps a managed identity endpoint's answer to an `AccessToken`. `expires_on` may be epoch
 * seconds (number or string) or a date string; `expires_in` is the fallback. The expiry must be
 * after `now` (and a date); `refresh_in`, when present, a positive number of seconds. Tokens living
 * more than two hours get `refreshAfterTimestamp` at half their lifetime, so a 24-hour token
 * refreshes at about 12 hours. Errors carry the status and an excerpt of the body redacted of
 * `secrets` (what the request sent) and of any token: never a secret.
 */
export function parseMiResponse(
  response: MiResponse,
  now: number,
  source: string,
  secrets: readonly string[] = [],
): AccessToken {
  if (response.status < 200 || response.status >= 300)
    throw miError(response, now, source, undefined, secrets);
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(response.text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch {
    // No cause: the parser's message quotes the body, unredacted.
  }
  if (body === undefined) {
    throw new InvalidResponseError(
      `${source} answered ${response.status} with a body that is not a JSON object: ${bodyExcerpt(response.text, secrets)}`,
    );
  }
  const token = body.access_token;
  if (typeof token !== 'string' || token === '')
    throw new InvalidResponseError(`${source} returned no "access_token".`);
  const expiresOnTimestamp = expiry(body, now, source);
  const result: AccessToken = { token, expiresOnTimestamp, tokenType: 'Bearer' };
  const lifetime = expiresOnTimestamp - now;
  const refreshIn = parseRefreshIn(body.refresh_in, now);
  if (!refreshIn.ok) throw new InvalidResponseError(`${source} returned an invalid "refresh_in".`);
  if (refreshIn.seconds !== undefined)
    result.refreshAfterTimestamp = now + refreshIn.seconds * 1000;
  else if (lifetime > HALF_LIFE_REFRESH_THRESHOLD_MS)
    result.refreshAfterTimestamp = now + lifetime / 2;
  return result;
}

/** The expiry in ms: from `expires_on` when it is a time, else from `expires_in`. */
function expiry(body: Record<string, unknown>, now: number, source: string): number {
  const at = expiresOn(body.expires_on) ?? expiresIn(body.expires_in, now);
  if (at === undefined)
    throw new InvalidResponseError(`${source} returned no valid "expires_on" or "expires_in".`);
  if (!(at > now) || at > MAX_TIMESTAMP_MS) {
    const when = at > now ? 'beyond any date' : 'already expired';
    throw new InvalidResponseError(`${source} returned a token that is ${when}.`);
  }
  return at;
}

function expiresOn(value: unknown): number | undefined {
  const seconds = parseSeconds(value);
  if (seconds !== undefined) return seconds * 1000;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function expiresIn(value: unknown, now: number): number | undefined {
  const seconds = parseSeconds(value);
  return seconds === undefined ? undefined : now + seconds * 1000;
}

/**
 * The error of a non-2xx answer: `AuthenticationError` with the status and a body excerpt,
 * redacted of `secrets` and of the body's own secret fields.
 */
export function miError(
  response: MiResponse,
  now: number,
  source: string,
  transient?: boolean,
  secrets: readonly string[] = [],
): AuthenticationError {
  // The body's own secret fields too: a description may repeat a token the body holds.
  const hidden = [...secrets, ...bodySecrets(response.text)];
  let error = 'unknown_error';
  let description = bodyExcerpt(response.text, hidden);
  try {
    const body = JSON.parse(response.text) as {
      error?: unknown;
      error_description?: unknown;
      message?: unknown;
    } | null;
    const code =
      typeof body?.error === 'object' && body.error !== null
        ? (body.error as { code?: unknown }).code
        : body?.error;
    if (typeof code === 'string') error = redactBody(code, response.text, secrets);
    const text =
      body?.error_description ??
      body?.message ??
      (body?.error as { message?: unknown } | undefined)?.message;
    if (typeof text === 'string') description = bodyExcerpt(text, hidden);
  } catch {
    // Not JSON: the excerpt says what came back.
  }
  return new AuthenticationError(
    response.status,
    { error, errorDescription: `${source} answered ${response.status}: ${description}` },
    { retryAfterMs: parseRetryAfter(response.headers, now), transient },
  );
}
