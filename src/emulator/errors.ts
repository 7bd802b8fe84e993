/**
 * Renders errors exactly as Entra does: error, description with trace lines, codes, ids.
 *
 * @packageDocumentation
 */
import type { Reply } from './context.js';
import type { AadErrorSpec } from './error-catalog.js';
import { entraTimestamp, randomGuid } from './ids.js';

/** What an error body needs besides its spec. */
export interface ErrorEnvironment {
  /** The emulator's base URL (for `error_uri`). */
  url: string;
  /** The request's correlation id. */
  correlationId: string;
  /** The clock, ms. */
  now: () => number;
}

/** The Entra error body for `spec`. */
export function aadErrorBody(spec: AadErrorSpec, env: ErrorEnvironment): object {
  const traceId = randomGuid();
  const timestamp = entraTimestamp(env.now());
  const prefix = spec.code === undefined ? '' : `AADSTS${spec.code}: `;
  const description =
    `${prefix}${spec.message}\r\nTrace ID: ${traceId}\r\n` +
    `Correlation ID: ${env.correlationId}\r\nTimestamp: ${timestamp}`;
  return {
    error: spec.error,
    error_description: description,
    error_codes: spec.code === undefined ? [] : [spec.code],
    timestamp,
    trace_id: traceId,
    correlation_id: env.correlationId,
    error_uri: `${env.url}/error?code=${spec.code ?? 0}`,
  };
}

/** A reply carrying the Entra error body for `spec`. */
export function aadErrorReply(spec: AadErrorSpec, env: ErrorEnvironment): Reply {
  return { status: spec.status, body: aadErrorBody(spec, env) };
}
