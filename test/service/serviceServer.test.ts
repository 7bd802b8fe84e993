import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { createSelfSignedServerCertificate } from '../../src/emulator/index.js';
import type { ServiceRoute } from '../../src/service/serviceContract.js';
import { startServiceServer } from '../../src/service/serviceServer.js';
import { teardownAfterEach } from '../support/teardown.js';
import { until } from '../support/until.js';
import { send } from './sidecarHarness.js';

const teardown = teardownAfterEach();

/** A route at /slow that answers when the test says so. */
function slowRoute() {
  let release: () => void = () => undefined;
  let waiting = 0;
  const released = new Promise<void>((resolve) => (release = resolve));
  const route: ServiceRoute = async (_request, response, url) => {
    if (url.pathname !== '/slow') return false;
    waiting++;
    await released;
    response.end('done');
    return true;
  };
  return { route, release: () => release(), waiting: () => waiting };
}

describe('startServiceServer', () => {
  it('speaks HTTPS with --tls-cert/--tls-key', async () => {
    const pair = await createSelfSignedServerCertificate({ ipAddresses: ['127.0.0.1'] });
    const server = teardown.add(
      await startServiceServer({
        host: '127.0.0.1',
        port: 0,
        tls: { cert: pair.certPem, key: pair.keyPem },
        routes: [],
      }),
      (s) => s.close(100),
    );
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port: server.port, path: '/nothing', ca: pair.certPem, agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
  });

  it('on close, stops accepting and lets an in-flight request finish', async () => {
    const slow = slowRoute();
    const server = await startServiceServer({ host: '127.0.0.1', port: 0, routes: [slow.route] });
    teardown.defer(() => server.close(100));
    const inFlight = send(server.port, '/slow');
    await until(() => slow.waiting() === 1, 'the request to arrive');
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await expect(send(server.port, '/slow')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(closed).toBe(false);
    slow.release();
    await expect(inFlight).resolves.toMatchObject({ status: 200, text: 'done' });
    await closing;
    expect(closed).toBe(true);
  });

  it('ends what is still in flight when the grace period is over', async () => {
    const slow = slowRoute();
    const server = await startServiceServer({ host: '127.0.0.1', port: 0, routes: [slow.route] });
    teardown.defer(() => slow.release());
    const inFlight = send(server.port, '/slow').catch((error: NodeJS.ErrnoException) => error);
    await until(() => slow.waiting() === 1, 'the request to arrive');
    await server.close(50);
    await expect(inFlight).resolves.toMatchObject({ code: 'ECONNRESET' });
  });

  it('on close, ends an HTTPS connection that never finishes its TLS handshake', async () => {
    const pair = await createSelfSignedServerCertificate({ ipAddresses: ['127.0.0.1'] });
    const server = await startServiceServer({
      host: '127.0.0.1',
      port: 0,
      tls: { cert: pair.certPem, key: pair.keyPem },
      routes: [],
    });
    teardown.defer(() => server.close(100));
    // A TCP connection that says nothing: no TLS ClientHello, so it never reaches HTTP.
    const socket = teardown.add(connect(server.port, '127.0.0.1'), (s) => s.destroy());
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // Without the socket tracking this waits for Node's TLS timeout (120 s), past the test's.
    await server.close(50);
    await ended;
  });

  it.each(['//', '//[', '//evil.example/x'])(
    'answers a request target %j with a 400, never a 500',
    async (target) => {
      const events: string[] = [];
      const server = teardown.add(
        await startServiceServer({
          host: '127.0.0.1',
          port: 0,
          routes: [],
          onRefused: (event) => events.push(`${event.status} ${event.reason}`),
        }),
        (s) => s.close(100),
      );
      const line = await rawStatusLine(server.port, target);
      expect(line).toMatch(/^HTTP\/1\.1 400 /);
      expect(events).toEqual(['400 malformed-request']);
    },
  );
});

/** Sends `GET <target>` as is (no client normalizes it) and resolves with the status line. */
function rawStatusLine(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1', () =>
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
      ),
    );
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('close', () => resolve(received.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}
