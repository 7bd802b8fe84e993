import { request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { NetworkError } from '../../errors.js';
import { flattenHeaders } from '../httpHeaders.js';

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
export interface MiResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

const MAX_BODY_BYTES = 256 * 1024;

/** Error codes that mean nothing is listening there: the source is not on this host. */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
]);

/**
 * Sends a request over plain HTTP or HTTPS (managed identity endpoints are mostly HTTP on the
 * host). A request that gets no answer rejects with `NetworkError` whose `cause.code` tells why.
 */
export function miRequest(request: MiRequest): Promise<MiResponse> {
  const url = new URL(request.url);
  const options: RequestOptions & ConnectionOptions = {
    method: request.method,
    headers: request.headers,
    timeout: request.timeoutMs,
    signal: request.signal,
  };
  if (url.protocol === 'https:') {
    if (request.pinnedThumbprint !== undefined)
      options.agent = pinnedAgent(request.pinnedThumbprint);
    else options.ca = request.ca;
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<MiResponse>((resolve, reject) => {
    const where = `${request.method} ${url.origin}${url.pathname}`;
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        else req.destroy(new Error(`response larger than ${MAX_BODY_BYTES} bytes`));
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: flattenHeaders(res.headers),
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('timeout', () =>
      req.destroy(
        Object.assign(new Error(`no response within ${request.timeoutMs} ms`), {
          code: 'ETIMEDOUT',
        }),
      ),
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new NetworkError(`${where} failed: ${error.code ?? error.message}`, {
          cause: error,
          // A certificate that is not the pinned one will not become it on a retry.
          transient: error.code !== 'ECERTPIN',
        }),
      ),
    );
    req.end(request.body);
  });
}

/** The error code of a failed request (`ECONNREFUSED`...), if it never got an answer. */
export function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/**
 * An agent that accepts only the server certificate with the given thumbprint (Service Fabric's
 * self-signed endpoint), checked before a byte of the request, and its secret, is sent.
 */
function pinnedAgent(thumbprint: string): HttpsAgent {
  const expected = thumbprint.replace(/:/g, '').toUpperCase();
  const agent = new HttpsAgent({ keepAlive: false });
  agent.createConnection = ((
    options: ConnectionOptions,
    done: (error: Error | null, socket?: TLSSocket) => void,
  ) => {
    const socket = tlsConnect({ ...options, rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const actual = [cert.fingerprint, cert.fingerprint256].map((f) =>
        f?.replace(/:/g, '').toUpperCase(),
      );
      if (actual.includes(expected)) done(null, socket);
      else {
        socket.destroy();
        done(
          Object.assign(
            new Error('the server certificate does not match IDENTITY_SERVER_THUMBPRINT'),
            { code: 'ECERTPIN' },
          ),
        );
      }
    });
    socket.once('error', (error) => done(error));
    return undefined;
  }) as unknown as HttpsAgent['createConnection'];
  return agent;
}
