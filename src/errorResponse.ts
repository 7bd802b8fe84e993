/**
 * The authority's side of an `AuthenticationError`: the mapped OAuth error body and which statuses
 * are worth retrying. No error class lives here, so `errors.ts` imports it without a cycle.
 */

/** The body of an authority's OAuth error response, mapped to camelCase. */
export interface ErrorResponse {
  error: string;
  errorDescription: string;
  errorCodes?: number[];
  correlationId?: string;
  traceId?: string;
  timestamp?: string;
}

/**
 * What {@link AuthenticationError} takes as the authority's answer: an {@link ErrorResponse}, the
 * raw OAuth body (`{ error, error_description, error_codes, timestamp, trace_id, correlation_id }`)
 * as an object or as JSON text, any other text, or nothing.
 */
export type AuthenticationErrorBody = ErrorResponse | object | string | undefined | null;

/** 408, 429 and 5xx other than 501 and 505 are worth retrying, as the Azure SDK pipeline does. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

const UNKNOWN_ERROR: ErrorResponse = {
  error: 'unknown_error',
  errorDescription: 'An unknown error occurred and no additional details are available.',
};

/** Maps what an authority answered to an {@link ErrorResponse}, with `@azure/identity`'s defaults. */
export function toErrorResponse(statusCode: number, body: AuthenticationErrorBody): ErrorResponse {
  if (typeof body !== 'string') return oauthErrorResponse(body) ?? { ...UNKNOWN_ERROR };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  return (
    oauthErrorResponse(parsed) ??
    (statusCode === 400
      ? {
          error: 'invalid_request',
          errorDescription: `The service indicated that the request was invalid.\n\n${body}`,
        }
      : {
          error: 'unknown_error',
          errorDescription: `An unknown error has occurred. Response body:\n\n${body}`,
        })
  );
}

/** An {@link ErrorResponse} as it is, or a raw OAuth error body mapped to one; else `undefined`. */
function oauthErrorResponse(body: unknown): ErrorResponse | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const fields = body as Record<string, unknown>;
  if (typeof fields.error !== 'string') return undefined;
  if (typeof fields.errorDescription === 'string') return body as ErrorResponse;
  if (typeof fields.error_description !== 'string') return undefined;
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' ? value : undefined;
  const codes = fields.error_codes;
  const response: ErrorResponse = {
    error: fields.error,
    errorDescription: fields.error_description,
    errorCodes:
      Array.isArray(codes) && codes.every((code) => typeof code === 'number') ? codes : undefined,
    timestamp: text(fields.timestamp),
    traceId: text(fields.trace_id),
    correlationId: text(fields.correlation_id),
  };
  for (const key of Object.keys(response) as (keyof ErrorResponse)[]) {
    if (response[key] === undefined) delete response[key];
  }
  return response;
}
