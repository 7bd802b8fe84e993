/**
 * The OAuth 2.0 token endpoint's wire format: guards and mappers, at the edge, so the rest of the
 * library sees only typed errors and validated responses.
 */
import { AuthenticationError, InvalidResponseError, type ErrorResponse } from '../../errors.js';
import { redact } from '../../telemetry/redact.js';

const EXCERPT_LENGTH = 200;

/** A bounded, redacted excerpt of a body for error messages: never a token. */
export function bodyExcerpt(body: string): string {
  const text = redact(body.replace(/\s+/g, ' ').trim());
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
}

/** Parses `Retry-After` (seconds or an HTTP date) and `retry-after-ms`, in ms. */
export function parseRetryAfter(headers: Record<string, string>, now: number): number | undefined {
  const ms = headers['retry-after-ms'] ?? headers['x-ms-retry-after-ms'];
  if (ms !== undefined && /^\d+$/.test(ms.trim())) return Number(ms);
  const value = headers['retry-after']?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}

/** Maps an error response (JSON or not) to `AuthenticationError`, as the anchor does. */
export function toAuthenticationError(
  status: number,
  text: string,
  headers: Record<string, string>,
  now: number,
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
      { error, errorDescription: `Response body: ${bodyExcerpt(text)}` },
      { retryAfterMs },
    );
  }
  const fields = body as Record<string, unknown>;
  const codes = fields.error_codes;
  const response: ErrorResponse = {
    error: redact(fields.error as string),
    errorDescription: redact(stringField(fields, 'error_description') ?? ''),
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

/** Checks a 2xx token response has what MSAL and the engine need; throws `InvalidResponseError`. */
export function checkTokenResponse(body: unknown, url: string): Record<string, unknown> {
  const where = `The token endpoint ${url}`;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidResponseError(`${where} returned a body that is not a JSON object.`);
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields.access_token !== 'string' || fields.access_token === '') {
    throw new InvalidResponseError(`${where} returned no "access_token".`);
  }
  const expiresIn = parseSeconds(fields.expires_in);
  if (expiresIn === undefined || expiresIn <= 0) {
    throw new InvalidResponseError(
      `${where} returned no valid "expires_in" (got ${JSON.stringify(typeof fields.expires_in === 'string' ? bodyExcerpt(fields.expires_in) : (fields.expires_in ?? null))}).`,
    );
  }
  const refreshIn = fields.refresh_in === undefined ? undefined : parseSeconds(fields.refresh_in);
  if (fields.refresh_in !== undefined && refreshIn === undefined) {
    throw new InvalidResponseError(`${where} returned an invalid "refresh_in".`);
  }
  // MSAL expects numbers; normalise numeric strings here.
  return {
    ...fields,
    expires_in: expiresIn,
    ...(refreshIn === undefined ? {} : { refresh_in: refreshIn }),
  };
}
