/**
 * A loopback server (HTTP or HTTPS, keep-alive) that answers each request with the generated
 * response registered for its case, identified by `/fuzz<id>/` in the path, and delivers the
 * bytes as the case says: whole, in pieces, trickled, stalled, truncated or reset.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { bodyBytes, type FuzzResponse } from './fuzzedResponses.js';

type Server = ReturnType<typeof createHttpServer>;

export class FuzzServer {
  private readonly cases = new Map<number, FuzzResponse>();
  private readonly hits = new Map<number, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private nextId = 1;
  url = '';

  private constructor(private readonly server: Server) {}

  /** Starts on 127.0.0.1; HTTPS when a certificate is given. */
  static async start(tls?: { cert: string; key: string }): Promise<FuzzServer> {
    const server: Server =
      tls === undefined ? createHttpServer() : (createHttpsServer(tls) as unknown as Server);
    const fuzz = new FuzzServer(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => fuzz.handle(req, res));
    // Clients abort on purpose (deadlines, size limits): the server shrugs.
    server.on('clientError', (_error, socket) => socket.destroy());
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    fuzz.url = `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
    return fuzz;
  }

  /** Registers the answer of a case; returns the path prefix its requests must use. */
  register(response: FuzzResponse): { id: number; prefix: string } {
    const id = this.nextId++;
    this.cases.set(id, response);
    return { id, prefix: `/fuzz${id}` };
  }

  unregister(id: number): void {
    this.cases.delete(id);
    this.hits.delete(id);
  }

  /** How many requests a case has received. */
  requestsOf(id: number): number {
    return this.hits.get(id) ?? 0;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    req.resume();
    req.on('end', () => {
      const id = Number(/^\/fuzz(\d+)\//.exec(req.url ?? '')?.[1]);
      const response = this.cases.get(id);
      if (response === undefined) {
        res.writeHead(599, { 'content-type': 'text/plain' }).end('unknown case');
        return;
      }
      this.hits.set(id, (this.hits.get(id) ?? 0) + 1);
      this.deliver(response, res);
    });
  }

  private deliver(response: FuzzResponse, res: ServerResponse): void {
    const bytes = bodyBytes(response);
    const { status, headers, delivery } = response;
    const prefix = (fraction: number) => bytes.subarray(0, Math.floor(bytes.length * fraction));
    switch (delivery.kind) {
      case 'reset':
        res.socket?.destroy();
        return;
      case 'silent':
        return;
      case 'whole':
      case 'huge':
        res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
        res.end(bytes);
        return;
      case 'chunked':
      case 'paced': {
        res.writeHead(status, headers);
        const size = Math.ceil(bytes.length / delivery.pieces);
        const gap = delivery.kind === 'paced' ? delivery.gapMs : 0;
        const write = (offset: number): void => {
          if (res.destroyed) return;
          if (offset >= bytes.length) {
            res.end();
            return;
          }
          res.write(bytes.subarray(offset, offset + size));
          if (gap === 0) write(offset + size);
          else this.later(gap, () => write(offset + size));
        };
        write(0);
        return;
      }
      case 'trickle': {
        res.writeHead(status, headers);
        res.flushHeaders();
        // The body, then spaces, a byte at a time: it never ends before the client gives up.
        const drip = (offset: number): void => {
          if (res.destroyed) return;
          res.write(offset < bytes.length ? bytes.subarray(offset, offset + 1) : ' ');
          this.later(delivery.gapMs, () => drip(offset + 1));
        };
        drip(0);
        return;
      }
      case 'stall':
        res.writeHead(status, headers);
        res.flushHeaders();
        if (delivery.fraction > 0) res.write(prefix(delivery.fraction));
        return;
      case 'truncate':
        res.writeHead(status, headers);
        res.flushHeaders();
        // Whatever was written goes out, then the connection closes before the body is complete.
        if (delivery.fraction > 0) res.write(prefix(delivery.fraction));
        res.socket?.end();
        return;
    }
  }
}
