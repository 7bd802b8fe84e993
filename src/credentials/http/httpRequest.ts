import {
  request as sendHttp,
  type Agent,
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { request as sendHttps, type Agent as HttpsAgent } from 'node:https';
import { timer } from 'rxjs';
import { InvalidResponseError, NetworkError, type IdentityError } from '../../errors.js';
import { unrefScheduler } from '../../streams/clock.js';
import { flattenHeaders } from './httpHeaders.js';

/** An answer read whole: what the protocol parsers look at. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** The most of a response body either HTTP client reads; beyond it the answer is refused. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** The error code of a request that got no answer at all before its deadline. */
export const NO_ANSWER_CODE = 'ETIMEDOUT';
/** The error code of an answer that began but did not end before its deadline. */
export const INCOMPLETE_ANSWER_CODE = 'ERR_RESPONSE_TIMEOUT';

/** One request of a credential: to a token endpoint, a managed identity host, a loopback. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string | URL;
  headers?: Record<string, string>;
  body?: string;
  /** The deadline of the whole exchange: connection, request, headers and body. */
  timeoutMs: number;
  /**
   * Extra trusted CA certificates (PEM) for an https URL, also with an `agent` (a proxy tunnel
   * takes them from the request). Default: Node's store only, or the agent's.
   */
  ca?: string | string[];
  /** The connection pool to send on (keep-alive, TLS trust, a pinned certificate). */
  agent?: Agent | HttpsAgent;
  signal?: AbortSignal;
  /** Error codes of failures a retry cannot cure (a pinned certificate that does not match). */
  permanentCodes?: ReadonlySet<string>;
}

/** What a reused keep-alive connection that the server had closed fails with. */
const STALE_SOCKET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE']);
/** How many stale pooled connections one request may meet before its failure counts. */
const STALE_SOCKET_RETRIES = 3;

/** How to run one exchange. */
interface ExchangeOptions {
  /** `METHOD url` without the query, for messages. */
  where: string;
  timeoutMs: number;
  body?: string;
  permanentCodes?: ReadonlySet<string>;
}

/**
 * The one way credentials speak HTTP: plain or TLS by the URL's scheme, the answer read whole
 * within `timeoutMs` and `MAX_RESPONSE_BYTES`, failures typed (see {@link exchange}). Messages
 * name the method and the URL without its query, never a header or a body.
 */
export function httpRequest(request: HttpRequest): Promise<RawResponse> {
  const url = typeof request.url === 'string' ? new URL(request.url) : request.url;
  const tls = url.protocol === 'https:';
  const options: RequestOptions & { ca?: string | string[] } = {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    agent: request.agent,
  };
  if (tls && request.ca !== undefined) options.ca = request.ca;
  const send = tls ? sendHttps : sendHttp;
  return exchange(() => send(url, options), {
    where: `${request.method} ${url.origin}${url.pathname}`,
    timeoutMs: request.timeoutMs,
    body: request.body,
    permanentCodes: request.permanentCodes,
  });
}

/**
 * Sends the request `send` creates and reads its answer whole, within `timeoutMs` for everything
 * (a body trickled a byte at a time fails as surely as a silent server) and `MAX_RESPONSE_BYTES`.
 * Failures are typed: no (complete) answer is a transient `NetworkError` whose `cause.code` tells
 * why (`ETIMEDOUT` when nothing came back in time); an oversized answer is an
 * `InvalidResponseError`, not worth retrying.
 */
function exchange(
  send: () => ClientRequest,
  options: ExchangeOptions,
  staleRetries = STALE_SOCKET_RETRIES,
): Promise<RawResponse> {
  const { where, timeoutMs } = options;
  let req: ClientRequest;
  try {
    req = send();
  } catch (error) {
    // A request Node refuses to send (a header with a line break...) will never be sent.
    const code = (error as NodeJS.ErrnoException).code ?? 'invalid request';
    return Promise.reject(
      new NetworkError(`${where} could not be sent: ${code}`, { cause: error, transient: false }),
    );
  }
  return new Promise<RawResponse>((resolve, reject) => {
    let answered = false;
    let settled = false;
    const deadline = timer(timeoutMs, unrefScheduler).subscribe(() => {
      const [code, what] = answered
        ? [INCOMPLETE_ANSWER_CODE, `the answer did not complete within ${timeoutMs} ms`]
        : [NO_ANSWER_CODE, `no answer within ${timeoutMs} ms`];
      fail(new NetworkError(`${where} failed: ${what}`, { cause: withCode(what, code) }));
    });
    function fail(error: IdentityError): void {
      if (settled) return;
      settled = true;
      deadline.unsubscribe();
      reject(error);
      req.destroy();
    }
    const failed = (error: NodeJS.ErrnoException): void => {
      const code = error.code ?? error.message;
      // A pooled connection the server closed while it sat idle (its FIN not yet seen): nothing
      // reached the server, so the request goes again on another connection, at once.
      if (
        !answered &&
        !settled &&
        req.reusedSocket &&
        STALE_SOCKET_CODES.has(code) &&
        staleRetries > 0
      ) {
        settled = true;
        deadline.unsubscribe();
        req.destroy();
        resolve(exchange(send, options, staleRetries - 1));
        return;
      }
      fail(
        new NetworkError(`${where} failed: ${code}`, {
          cause: error,
          transient: !(options.permanentCodes?.has(code) ?? false),
        }),
      );
    };
    req.on('response', (res: IncomingMessage) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        else
          fail(
            new InvalidResponseError(
              `${where} answered with more than ${MAX_RESPONSE_BYTES} bytes.`,
            ),
          );
      });
      res.on('error', failed);
      res.on('close', () => {
        if (!res.complete)
          failed(withCode('the connection closed before the answer was complete', 'ECONNRESET'));
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        deadline.unsubscribe();
        resolve({
          status: res.statusCode ?? 0,
          headers: flattenHeaders(res.headers),
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.on('error', failed);
    req.end(options.body);
  });
}

function withCode(message: string, code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}
