/**
 * The sidecar's answers when it has no token to give: App Service's error body
 * (`{"statusCode":400,"message":"...","correlationId":"..."}`), and the status an upstream failure
 * maps to. Messages are redacted; none carries a token, a secret or the identity header.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { AuthenticationError, codeOf } from '../errors.js';
import { redact } from '../telemetry/redact.js';
import type { Refusal } from './tokenRequest.js';

/** Headers on every answer of the service: no caching, no sniffing, and never any CORS header. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/** The longest upstream message passed on to a client. */
const MAX_MESSAGE_LENGTH = 600;

/** Writes `body` as JSON with `status`. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...COMMON_HEADERS,
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Writes a refusal in App Service's error style. */
export function sendRefusal(response: ServerResponse, refusal: Refusal): void {
  const headers: Record<string, string> = {};
  if (refusal.retryAfterSeconds !== undefined)
    headers['Retry-After'] = String(refusal.retryAfterSeconds);
  sendJson(
    response,
    refusal.status,
    { statusCode: refusal.status, message: refusal.message, correlationId: randomUUID() },
    headers,
  );
}

/** An upstream failure as the sidecar answers it; `secrets` are redacted from the message. */
export function upstreamRefusal(
  error: unknown,
  resource: string,
  secrets: readonly string[],
): Refusal {
  const code = codeOf(error) ?? 'unknown';
  const detail = describe(error, secrets);
  const refusal = (status: number, message: string, retryAfterMs?: number): Refusal => ({
    status,
    reason: `upstream-${code}`,
    message,
    resource,
    retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
  });
  if (error instanceof AuthenticationError) {
    const { statusCode, retryAfterMs } = error;
    if (statusCode === 400) return refusal(400, `The authority refused the request: ${detail}`);
    if (statusCode === 429)
      return refusal(429, `The authority is throttling: ${detail}`, retryAfterMs);
    if (error.transient)
      return refusal(503, `The authority is unavailable: ${detail}`, retryAfterMs);
    return refusal(502, `The authority refused the sidecar's credential: ${detail}`);
  }
  switch (code) {
    case 'ERR_NETWORK':
      return refusal(503, `The authority cannot be reached: ${detail}`);
    case 'ERR_CREDENTIAL_UNAVAILABLE':
    case 'ERR_AGGREGATE_AUTHENTICATION':
      return refusal(503, `No credential of the sidecar is available: ${detail}`);
    case 'ERR_AUTHENTICATION_REQUIRED':
      return refusal(503, `The sidecar's credential needs interactive sign-in: ${detail}`);
    case 'ERR_INVALID_ARGUMENT':
      return refusal(400, `The request cannot be served: ${detail}`);
    case 'ERR_INVALID_RESPONSE':
      return refusal(502, `The authority answered with an invalid response: ${detail}`);
    case 'ERR_CLOSED':
      return refusal(503, 'The sidecar is shutting down.');
    case 'ERR_ABORTED':
      return refusal(504, 'The token did not arrive in time.');
    default:
      return refusal(500, 'The sidecar failed to get a token.');
  }
}

function describe(error: unknown, secrets: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = redact(message, secrets).replace(/\s+/g, ' ').trim();
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}
