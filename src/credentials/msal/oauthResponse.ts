/**
 * The OAuth 2.0 token endpoint's wire format: guards and mappers, at the edge, so the rest of the
 * library sees only typed errors and validated responses.
 */
import { AuthenticationError, InvalidResponseError, type ErrorResponse } from '../../errors.js';
import type { RawResponse } from '../http/httpRequest.js';
import { bodyExcerpt, bodySecrets, redactBody } from '../http/responseText.js';

export { bodyExcerpt };

/** The latest instant a `Date` can hold: an expiry beyond it is not a time. */
export const MAX_TIMESTAMP_MS = 8.64e15;

/**
 * Parses `Retry-After` (seconds or an HTTP date) and `retry-after-ms`, in ms. A value that is not
 * a finite number of ms (400 digits of nines...) is no instruction and is ignored.
 */
export function parseRetryAfter(headers: Record<string, string>, now: number): number | undefined {
  const finite = (ms: number): number | undefined => (Number.isFinite(ms) ? ms : undefined);
  const ms = headers['retry-after-ms'] ?? headers['x-ms-retry-after-ms'];
  if (ms !== undefined && /^\d+$/.test(ms.trim())) return finite(Number(ms));
  const value = headers['retry-after']?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return finite(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Maps an error response (JSON or not) to `AuthenticationError`, as the anchor does. `secrets`
 * (what the request sent) and the body's own secret fields are redacted from every text.
 */
export function toAuthenticationError(
  status: number,
  text: string,
  headers: Record<string, string>,
  now: number,
  secrets: readonly string[] = [],
): AuthenticationError {
  const retryAfterMs = parseRetryAfter(headers, now);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    typeof (body as { error?: unknown }).error !== 'string'
  ) {
    const error = status === 400 ? 'invalid_request' : 'unknown_error';
    return new AuthenticationError(
      status,
      { error, errorDescription: `Response body: ${bodyExcerpt(text, secrets)}` },
      { retryAfterMs },
    );
  }
  const fields = body as Record<string, unknown>;
  const codes = fields.error_codes;
  const response: ErrorResponse = {
    error: redactBody(fields.error as string, text, secrets),
    errorDescription: redactBody(stringField(fields, 'error_description') ?? '', text, secrets),
    correlationId: stringField(fields, 'correlation_id'),
    traceId: stringField(fields, 'trace_id'),
    timestamp: stringField(fields, 'timestamp'),
    errorCodes: Array.isArray(codes)
      ? codes.filter((c): c is number => typeof c === 'number')
      : undefined,
  };
  return new AuthenticationError(status, response, { retryAfterMs });
}

/** Accepts a number or a numeric string (some endpoints send strings), else undefined. */
export function parseSeconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** Whether `seconds` from `now` is a positive time that a `Date` can hold. */
function isLifetime(seconds: number | undefined, now: number): seconds is number {
  return seconds !== undefined && seconds > 0 && now + seconds * 1000 <= MAX_TIMESTAMP_MS;
}

/**
 * A `refresh_in` hint: absent, or a positive number of seconds (ending at a date). Anything else
 * (unparseable, zero, negative, endless) is an invalid response: a hint in the past would have the
 * engine refresh at once, and again after each refresh.
 */
export function parseRefreshIn(
  value: unknown,
  now: number,
): { ok: true; seconds?: number } | { ok: false } {
  if (value === undefined) return { ok: true };
  const seconds = parseSeconds(value);
  return isLifetime(seconds, now) ? { ok: true, seconds } : { ok: false };
}

/**
 * Checks a 2xx token response has what MSAL and the engine need; throws `InvalidResponseError`.
 * `expires_in` must be a positive number of seconds that ends, counted from `now`, at a date.
 */
export function checkTokenResponse(
  body: unknown,
  url: string,
  now: number,
  secrets: readonly string[] = [],
): Record<string, unknown> {
  const where = `The token endpoint ${url}`;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidResponseError(`${where} returned a body that is not a JSON object.`);
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields.access_token !== 'string' || fields.access_token === '') {
    throw new InvalidResponseError(`${where} returned no "access_token".`);
  }
  const expiresIn = parseSeconds(fields.expires_in);
  if (!isLifetime(expiresIn, now)) {
    const got = bodyExcerpt(JSON.stringify(fields.expires_in ?? null), secrets);
    throw new InvalidResponseError(`${where} returned no valid "expires_in" (got ${got}).`);
  }
  const refreshIn = parseRefreshIn(fields.refresh_in, now);
  if (!refreshIn.ok) {
    throw new InvalidResponseError(`${where} returned an invalid "refresh_in".`);
  }
  // MSAL expects numbers; normalise numeric strings here.
  return {
    ...fields,
    expires_in: expiresIn,
    ...(refreshIn.seconds === undefined ? {} : { refresh_in: refreshIn.seconds }),
  };
}

/** How {@link readTokenEndpointAnswer} reads one answer. */
export interface AnswerContext {
  /** The URL without its query, for messages. */
  where: string;
  /** A token request: a 2xx body must be a valid token response. */
  isTokenRequest: boolean;
  now: number;
  /** What the request sent that must never come back in a message (secret, assertion...). */
  secrets?: readonly string[];
}

/**
 * Reads an authority's answer: a non-2xx is an `AuthenticationError`, a 2xx body must be JSON
 * (and, for a token request, a valid token response, else `InvalidResponseError`; one that
 * carries an `error` is an `AuthenticationError` as a 4xx would be).
 */
export function readTokenEndpointAnswer(raw: RawResponse, context: AnswerContext): unknown {
  const { where, now } = context;
  const secrets = [...(context.secrets ?? []), ...bodySecrets(raw.text)];
  if (raw.status < 200 || raw.status >= 300) {
    throw toAuthenticationError(raw.status, raw.text, raw.headers, now, secrets);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.text);
  } catch {
    // No cause: the parser's message quotes the body, unredacted.
    throw new InvalidResponseError(
      `${where} answered ${raw.status} with a body that is not JSON: ${bodyExcerpt(raw.text, secrets)}`,
    );
  }
  if (!context.isTokenRequest) return body;
  // An error in a 2xx body is still an error (MSAL would throw it, unredacted, as a ServerError).
  if (isErrorBody(body))
    throw toAuthenticationError(raw.status, raw.text, raw.headers, now, secrets);
  return checkTokenResponse(body, where, now, secrets);
}

function isErrorBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { error, error_description: description } = body as Record<string, unknown>;
  return typeof error === 'string' || typeof description === 'string';
}
