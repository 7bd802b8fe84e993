import { request as httpsRequest } from 'node:https';
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
});
