/**
 * A sidecar on a real loopback server for tests: the service, its server and the events it
 * published, closed by the test's teardown; and a raw HTTP client that sends exactly the method,
 * target and headers (`Host` included) a test names.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createIdentitySecret } from '../../src/service/identityHeader.js';
import type { SidecarRequestEvent } from '../../src/service/serviceContract.js';
import { startServiceServer, type ServiceServer } from '../../src/service/serviceServer.js';
import { SidecarService, type SidecarServiceOptions } from '../../src/service/sidecarService.js';
import type { Teardown } from '../support/teardown.js';

export interface Sidecar {
  service: SidecarService;
  server: ServiceServer;
  port: number;
  secret: string;
  /** Every request event, in order. */
  events: SidecarRequestEvent[];
}

/** Starts a sidecar on 127.0.0.1:0; `teardown` closes it (server first). */
export async function startSidecar(
  teardown: Teardown,
  options: Omit<SidecarServiceOptions, 'secret'> & { secret?: string },
): Promise<Sidecar> {
  const secret = options.secret ?? createIdentitySecret();
  const service = teardown.add(new SidecarService({ ...options, secret }), (s) => s.close());
  const events: SidecarRequestEvent[] = [];
  service.view.sidecarEvents$.subscribe((event) => events.push(event));
  const server = teardown.add(
    await startServiceServer({
      host: '127.0.0.1',
      port: 0,
      routes: service.routes,
      onRefused: (event) => service.record(event),
    }),
    (s) => s.close(1_000),
  );
  return { service, server, port: server.port, secret, events };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
}

/** Sends one request to 127.0.0.1:`port` (with `Host: 127.0.0.1:<port>` unless `headers` has one). */
export function send(
  port: number,
  target: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers = { Host: `127.0.0.1:${port}`, ...options.headers };
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: target,
        method: options.method ?? 'GET',
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** `/msi/token?resource=...&api-version=2019-08-01` plus `extra` query text. */
export function tokenTarget(resource: string, extra = ''): string {
  return `/msi/token?resource=${encodeURIComponent(resource)}&api-version=2019-08-01${extra}`;
}
