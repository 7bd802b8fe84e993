/**
 * For the dashboard tests: a loopback server mounting routes, and a reader of a Server-Sent Events
 * stream that keeps every raw byte, every parsed message and every comment line.
 */
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceRoute } from '../../src/service/serviceContract.js';
import type { Teardown } from '../support/teardown.js';
import { until } from '../support/until.js';

/** A server on 127.0.0.1 that asks `routes` in order and answers 404 when none claims a request. */
export async function serveRoutes(teardown: Teardown, ...routes: ServiceRoute[]): Promise<string> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      for (const route of routes) if (await route(request, response, url)) return;
      response.writeHead(404).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  teardown.add(server, (s) => {
    s.closeAllConnections();
    return new Promise((resolve) => s.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export interface SseMessage {
  event: string;
  data: unknown;
}

/** An open `/events` stream. */
export class SseReader {
  raw = '';
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  ended = false;
  #buffer = '';

  private constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.#take(chunk));
    response.on('end', () => (this.ended = true));
    response.on('close', () => (this.ended = true));
  }

  /** Opens `url` and resolves once the response headers are in. */
  static open(url: string, teardown: Teardown): Promise<SseReader> {
    return new Promise((resolve, reject) => {
      const request = get(url, (response) => resolve(new SseReader(response)));
      request.on('error', reject);
      teardown.defer(() => request.destroy());
    });
  }

  /** The first message (from `from` on) of type `event` that `matches`, waiting for it. */
  async next(
    event: string,
    matches: (data: never) => boolean = () => true,
    from = 0,
  ): Promise<{ data: unknown; index: number }> {
    const find = () =>
      this.messages.findIndex((m, i) => i >= from && m.event === event && matches(m.data as never));
    await until(() => find() >= 0 || this.ended, `an SSE "${event}" message`);
    const index = find();
    if (index < 0) throw new Error(`The stream ended without a matching "${event}" message`);
    return { data: this.messages[index]!.data, index };
  }

  #take(chunk: string): void {
    this.raw += chunk;
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
        else if (!line.startsWith('retry: ')) throw new Error(`Unexpected SSE line: ${line}`);
      }
      if (data.length > 0) this.messages.push({ event, data: JSON.parse(data.join('\n')) });
    }
  }
}
