/**
 * The one HTTP(S) server of `reactive-identity serve`: checks the `Host` header, asks each route
 * in turn, answers 404 for the rest, refuses malformed requests with a 400, and shuts down
 * gracefully (stop accepting, let in-flight requests finish, then end what is left).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { timer, type SchedulerLike } from 'rxjs';
import { unrefScheduler } from '../streams/clock.js';
import { HostHeaderPolicy } from './hostPolicy.js';
import { clientOf } from './requestInfo.js';
import type { ServiceRoute, SidecarRequestEvent } from './serviceContract.js';
import { sendJson } from './sidecarErrors.js';

/** How long `close()` lets in-flight requests finish by default. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/** How long an HTTPS connection may take to finish its TLS handshake (Node's default: 120 s). */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Options of {@link startServiceServer}. */
export interface ServiceServerOptions {
  /** The address to listen on (the CLI decides whether a non-loopback one is allowed). */
  host: string;
  /** The port; 0 picks a free one. */
  port: number;
  /** PEM certificate and key: the server speaks HTTPS. */
  tls?: { cert: string; key: string };
  /** Asked in order; the first that answers `true` owns the request. */
  routes: readonly ServiceRoute[];
  /** Requests refused before any route: a foreign `Host`, a malformed request. */
  onRefused?(event: SidecarRequestEvent): void;
  /** Time of the events and the shutdown timer. Default: the wall clock. */
  scheduler?: SchedulerLike;
}

/** A listening service. */
export interface ServiceServer {
  /** `http://127.0.0.1:<port>` (or `https://`; the host as it was given). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /**
   * Stops accepting connections, ends idle ones, lets in-flight requests finish for up to
   * `graceMs` (default {@link DEFAULT_SHUTDOWN_GRACE_MS}) and then ends every connection left.
   */
  close(graceMs?: number): Promise<void>;
}

/** Starts the server and resolves once it listens. */
export async function startServiceServer(options: ServiceServerOptions): Promise<ServiceServer> {
  const scheduler = options.scheduler ?? unrefScheduler;
  const scheme = options.tls ? 'https' : 'http';
  // Known once the server listens (port 0 picks the port); no request arrives before that.
  const state: { policy?: HostHeaderPolicy; closing: boolean } = { closing: false };
  const inFlight = new Set<ServerResponse>();
  const refuse = (socket: Socket | IncomingMessage, status: number, reason: string) =>
    options.onRefused?.({
      type: 'sidecar-request',
      at: scheduler.now(),
      status,
      client: clientOf('socket' in socket ? socket : ({ socket } as IncomingMessage)),
      durationMs: 0,
      reason,
    });
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (state.closing) response.setHeader('Connection', 'close');
    try {
      if (!state.policy?.allows(request.headers.host)) {
        sendJson(response, 403, forbiddenHost());
        refuse(request, 403, 'foreign-host');
        return;
      }
      const target = request.url ?? '';
      // `//host/...` is a network-path reference, not a path: a URL parser reads a host in it.
      if (!target.startsWith('/') || target.startsWith('//')) {
        sendJson(response, 400, {
          statusCode: 400,
          message: 'The request target must be a path (not //...).',
        });
        refuse(request, 400, 'malformed-request');
        return;
      }
      const url = parseTarget(target, scheme);
      if (url === undefined) {
        sendJson(response, 400, { statusCode: 400, message: 'The request target is malformed.' });
        refuse(request, 400, 'malformed-request');
        return;
      }
      for (const route of options.routes) if (await route(request, response, url)) return;
      sendJson(response, 404, {
        statusCode: 404,
        message: `Nothing is served at ${url.pathname}.`,
      });
    } catch {
      if (!response.headersSent)
        sendJson(response, 500, { statusCode: 500, message: 'The service failed.' });
      else response.destroy();
    }
  };
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    inFlight.add(response);
    response.once('close', () => {
      inFlight.delete(response);
      // Shutting down: a keep-alive connection whose last request just ended goes too.
      if (state.closing) server.closeIdleConnections();
    });
    void handle(request, response);
  };
  const server: Server = options.tls
    ? createHttpsServer(
        {
          cert: options.tls.cert,
          key: options.tls.key,
          handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
        },
        listener,
      )
    : createHttpServer(listener);
  // Every TCP connection, from its first byte: `closeAllConnections()` knows only those that
  // reached HTTP, and an HTTPS one still in (or stalled before) its TLS handshake is not one.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
    const body = JSON.stringify({
      statusCode: 400,
      message: 'The request is malformed or too large.',
    });
    socket.end(
      'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
    refuse(socket, 400, 'malformed-request');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  state.policy = new HostHeaderPolicy(options.host, port, {
    defaultPort: options.tls ? 443 : 80,
  });
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closed: Promise<void> | undefined;
  return {
    url: `${scheme}://${shown}:${port}`,
    host: options.host,
    port,
    close: (graceMs = DEFAULT_SHUTDOWN_GRACE_MS) => {
      state.closing = true;
      for (const response of inFlight)
        if (!response.headersSent) response.setHeader('Connection', 'close');
      closed ??= new Promise<void>((resolve) => {
        const force = timer(graceMs, scheduler).subscribe(() => {
          server.closeAllConnections();
          for (const socket of sockets) socket.destroy();
        });
        server.close(() => {
          force.unsubscribe();
          resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}

/**
 * The request target (a path, checked by the caller) as a URL. It is appended to the origin, never
 * resolved against it: `//host/path` stays a path rather than naming another host.
 */
function parseTarget(target: string, scheme: string): URL | undefined {
  try {
    return new URL(`${scheme}://127.0.0.1${target}`);
  } catch {
    return undefined;
  }
}

function forbiddenHost() {
  return {
    statusCode: 403,
    message: 'Forbidden: the Host header does not name this service (DNS rebinding protection).',
  };
}
