import { httpRequest, NO_ANSWER_CODE, type RawResponse } from '../http/httpRequest.js';
import { CERTIFICATE_PIN_CODE, pinnedAgent } from '../http/pinnedAgent.js';

/** One request to a managed identity endpoint. */
export interface MiRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Extra trusted CAs for https endpoints. */
  ca?: string | string[];
  /** Service Fabric: trust exactly the server certificate with this SHA-1 or SHA-256 thumbprint. */
  pinnedThumbprint?: string;
  signal?: AbortSignal;
}

/** The answer, read whole (bounded). */
export type MiResponse = RawResponse;

/** Error codes that mean nothing is listening there: the source is not on this host. */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  // No answer at all before the deadline (an answer that began and stalled is not this).
  NO_ANSWER_CODE,
]);

// A certificate that is not the pinned one will not become it on a retry.
const PERMANENT_CODES: ReadonlySet<string> = new Set([CERTIFICATE_PIN_CODE]);
// Request headers whose values are secrets (App Service, Service Fabric, Machine Learning, Arc).
const SECRET_HEADERS = /^(?:x-identity-header|secret|authorization)$/i;

/**
 * Sends a request over plain HTTP or HTTPS (managed identity endpoints are mostly HTTP on the
 * host) and reads the answer whole, within `timeoutMs` for the whole exchange. A request that gets
 * no complete answer rejects with `NetworkError` whose `cause.code` tells why; an answer larger
 * than `MAX_RESPONSE_BYTES` with `InvalidResponseError`.
 */
export function miRequest(request: MiRequest): Promise<MiResponse> {
  const { pinnedThumbprint, ...rest } = request;
  return httpRequest({
    ...rest,
    agent: pinnedThumbprint === undefined ? undefined : pinnedAgent(pinnedThumbprint),
    permanentCodes: PERMANENT_CODES,
  });
}

/** The secret values a request's headers carry (for `Basic <key>`, the key too). */
export function headerSecrets(headers: Record<string, string> | undefined): string[] {
  return Object.entries(headers ?? {})
    .filter(([name]) => SECRET_HEADERS.test(name))
    .flatMap(([, value]) => [value, value.replace(/^(?:Basic|Bearer)\s+/i, '')]);
}

/** The error code of a failed request (`ECONNREFUSED`...), if it never got an answer. */
export function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}
