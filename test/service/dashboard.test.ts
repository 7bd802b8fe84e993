import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { filter, Subject } from 'rxjs';
import {
  ChainedTokenCredential,
  ClientSecretCredential,
  EnvironmentCredential,
  TokenManager,
  type TokenEvent,
} from '../../src/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { createDashboard, type DashboardOptions } from '../../src/service/dashboard/index.js';
import type { KeySnapshot } from '../../src/streams/snapshot.js';
import type {
  ReadinessReport,
  ServiceView,
  SidecarRequestEvent,
} from '../../src/service/serviceContract.js';
import { teardownAfterEach } from '../support/teardown.js';
import { until } from '../support/until.js';
import { serveRoutes, SseReader } from './dashboardSse.js';

const teardown = teardownAfterEach();

/** A view the test drives by hand. */
function fakeView(keys: KeySnapshot[] = []) {
  const events = new Subject<TokenEvent>();
  const sidecar = new Subject<SidecarRequestEvent>();
  let readiness: ReadinessReport = { ready: false, reasons: ['storage: no token yet'] };
  const view: ServiceView = {
    events$: events,
    sidecarEvents$: sidecar,
    snapshot: () => keys,
    readiness: () => readiness,
    description: 'a test view',
  };
  return { view, events, sidecar, setReadiness: (r: ReadinessReport) => (readiness = r) };
}

async function dashboardOn(view: ServiceView, options: DashboardOptions = {}) {
  const dashboard = teardown.add(createDashboard(view, options), (d) => d.close());
  const url = await serveRoutes(teardown, dashboard.route);
  return { dashboard, url };
}

function fetchRaw(url: string, method = 'GET') {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      httpRequest(url, { method }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (c: string) => (body += c));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      })
        .on('error', reject)
        .end();
    },
  );
}

const KEY: KeySnapshot = {
  key: 'ClientSecretCredential(app) tenant nocae https://storage.azure.com/.default',
  credential: 'ClientSecretCredential',
  identity: 'i1',
  scopes: ['https://storage.azure.com/.default'],
  enableCae: false,
  state: 'fresh',
  expiresOnTimestamp: 2_000_000_000_000,
  expiresInMs: 60_000,
  nextRefreshAt: 1_999_999_990_000,
  acquisitions: 1,
  cacheHits: 4,
  failures: 0,
  subscribers: 1,
};
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJlLXZhbHVl';
const base = { at: 1_999_999_000_000, key: KEY.key, credential: KEY.credential, identity: 'i1' };

describe('createDashboard: the page', () => {
  it('serves the page and its files with a strict CSP, and no CORS header', async () => {
    const { url } = await dashboardOn(fakeView().view);
    const page = await fetchRaw(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(Object.keys(page.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(page.body).toContain('<script type="module" src="/assets/dashboard.js">');
    for (const asset of ['dashboard.js', 'render.js', 'timeline.js', 'uPlot.iife.min.js']) {
      const file = await fetchRaw(`${url}/assets/${asset}`);
      expect([asset, file.status, file.headers['content-type']]).toEqual([
        asset,
        200,
        'text/javascript; charset=utf-8',
      ]);
    }
    expect((await fetchRaw(`${url}/assets/uPlot.min.css`)).body).toContain('.uplot');
  });

  it('leaves other paths to other routes and answers only GET (and HEAD for files)', async () => {
    const { url } = await dashboardOn(fakeView().view);
    expect((await fetchRaw(`${url}/assets/../index.html`)).status).toBe(404);
    expect((await fetchRaw(`${url}/assets/nothing.js`)).status).toBe(404);
    expect((await fetchRaw(`${url}/metrics`)).status).toBe(404);
    expect((await fetchRaw(`${url}/`, 'POST')).status).toBe(405);
    expect((await fetchRaw(`${url}/events`, 'POST')).status).toBe(405);
    const head = await fetchRaw(`${url}/`, 'HEAD');
    expect([head.status, head.body]).toEqual([200, '']);
  });
});

describe('createDashboard: /events', () => {
  it('starts with the whole state, then streams events, snapshots and heartbeats', async () => {
    const { view, events, sidecar, setReadiness } = fakeView([KEY]);
    const options = { snapshotIntervalMs: 40, heartbeatIntervalMs: 60, flushIntervalMs: 10 };
    const { url } = await dashboardOn(view, options);
    events.next({
      ...base,
      type: 'acquisition-succeeded',
      reason: 'initial',
      expiresOnTimestamp: 1,
    });
    const stream = await SseReader.open(`${url}/events`, teardown);
    expect(stream.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.response.headers['cache-control']).toBe('no-store');
    expect(
      Object.keys(stream.response.headers).filter((h) => h.startsWith('access-control-')),
    ).toEqual([]);
    const { data: state } = await stream.next('state');
    expect(state).toMatchObject({
      description: 'a test view',
      readiness: { ready: false, reasons: ['storage: no token yet'] },
      keys: [{ key: KEY.key, state: 'fresh', expiresOnTimestamp: KEY.expiresOnTimestamp }],
      // The acquisition before the page opened is part of the timeline it starts from.
      events: [{ type: 'acquisition-succeeded', reason: 'initial' }],
    });

    sidecar.next({
      type: 'sidecar-request',
      at: 5,
      status: 401,
      client: '127.0.0.1:4242',
      durationMs: 0.3,
      reason: 'wrong-header',
    });
    events.next({ ...base, type: 'retry-scheduled', retryAt: base.at + 1000, attempt: 1 });
    const { data: batch } = await stream.next('events');
    expect(batch).toMatchObject({
      events: [{ type: 'retry-scheduled', attempt: 1 }],
      requests: [{ status: 401, client: '127.0.0.1:4242', reason: 'wrong-header' }],
      dropped: 0,
    });
    setReadiness({ ready: true, reasons: [] });
    const { data: snapshot } = await stream.next(
      'snapshot',
      (d: { readiness: { ready: boolean } }) => d.readiness.ready,
    );
    expect(snapshot).toMatchObject({
      keys: [{ key: KEY.key }],
      sidecarRequests: 1,
      clients: [
        { client: '127.0.0.1:4242', total: 1, byStatus: { 401: 1 }, lastReason: 'wrong-header' },
      ],
    });
    await until(() => stream.comments.includes('heartbeat'), 'a heartbeat comment');
  });

  it('redacts anything token-shaped and bounds long text', async () => {
    const { view, events, sidecar } = fakeView();
    const { url } = await dashboardOn(view, { flushIntervalMs: 10 });
    const stream = await SseReader.open(`${url}/events`, teardown);
    await stream.next('state');
    events.next({
      ...base,
      type: 'acquisition-failed',
      reason: 'initial',
      errorCode: 'ERR_X',
      message: `echoed ${JWT} and ${'x'.repeat(5000)}`,
    });
    sidecar.next({
      type: 'sidecar-request',
      at: 1,
      status: 200,
      client: '127.0.0.1:1',
      resource: `https://r/${JWT}`,
      durationMs: 1,
    });
    const { data } = await stream.next(
      'events',
      (d: { events: unknown[]; requests: unknown[] }) => d.events.length + d.requests.length === 2,
    );
    const message = (data as { events: { message: string }[] }).events[0]!.message;
    expect(message).toContain('[REDACTED]');
    expect(message.length).toBeLessThanOrEqual(400);
    expect(stream.raw).not.toContain(JWT);
    expect(stream.raw).not.toContain('eyJ');
  });

  it('drops a client that does not read once its buffer is full, and keeps serving the others', async () => {
    const { view, sidecar } = fakeView();
    const { dashboard, url } = await dashboardOn(view, {
      flushIntervalMs: 2,
      maxBufferedBytes: 64 * 1024,
    });
    const { port } = new URL(url);
    // A client that sends its request and never reads a byte of the answer.
    const stalled = connect(Number(port), '127.0.0.1');
    teardown.defer(() => stalled.destroy());
    stalled.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    stalled.pause();
    const reader = await SseReader.open(`${url}/events`, teardown);
    await reader.next('state');
    await until(() => dashboard.connections === 2, 'both streams');
    const resource = `https://storage.azure.com/${'r'.repeat(350)}`;
    const request = {
      type: 'sidecar-request' as const,
      status: 200,
      client: '127.0.0.1:9',
      resource,
      durationMs: 1,
    };
    // Flood until the dashboard lets the stalled stream go (the kernel's buffers fill first).
    for (let at = 0; dashboard.connections === 2 && at < 5_000_000;) {
      for (let i = 0; i < 200; i++) sidecar.next({ ...request, at: at++ });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(dashboard.connections).toBe(1);
    // The stalled socket, read at last, ends after what had been buffered.
    let closed = false;
    stalled.on('close', () => (closed = true)).on('error', () => undefined);
    stalled.resume();
    await until(() => closed, 'the stalled socket to close');
    // The reading client was never dropped and still gets what comes next.
    expect(reader.ended).toBe(false);
    sidecar.next({ ...request, at: -1, status: 418 });
    await reader.next('events', (d: { requests: { status: number }[] }) =>
      d.requests.some((r) => r.status === 418),
    );
  });

  it('refuses pages beyond maxConnections with 503', async () => {
    const { url } = await dashboardOn(fakeView().view, { maxConnections: 1 });
    const first = await SseReader.open(`${url}/events`, teardown);
    await first.next('state');
    const second = await fetchRaw(`${url}/events`);
    expect([second.status, second.headers['retry-after']]).toEqual([503, '5']);
  });

  it('close() ends every stream and subscription, and later pages get 503', async () => {
    const { view, events, sidecar } = fakeView();
    const { dashboard, url } = await dashboardOn(view);
    const streams = [
      await SseReader.open(`${url}/events`, teardown),
      await SseReader.open(`${url}/events`, teardown),
    ];
    await Promise.all(streams.map((s) => s.next('state')));
    expect(events.observed && sidecar.observed).toBe(true);
    dashboard.close();
    await until(() => streams.every((s) => s.ended), 'the streams to end');
    expect(events.observed || sidecar.observed).toBe(false);
    expect((await fetchRaw(`${url}/events`)).status).toBe(503);
    expect((await fetchRaw(`${url}/`)).status).toBe(200);
  });
});

describe('chain decisions on the dashboard', () => {
  it('shows which link of a chain was unavailable and which one served', async () => {
    const em = await startEmulator({
      apps: [{ clientId: 'chain-app', clientSecret: 'chain-secret-value' }],
    });
    teardown.defer(() => em.stop());
    const tokenManager = teardown.add(new TokenManager(), (m) => m.close());
    const chain = new ChainedTokenCredential(
      { tokenManager },
      new EnvironmentCredential({ env: {}, tokenManager }),
      new ClientSecretCredential(em.tenantId, 'chain-app', 'chain-secret-value', {
        authorityHost: em.url,
        tlsOptions: { ca: em.ca },
        tokenManager,
        env: {},
      }),
    );
    const seen: TokenEvent[] = [];
    const decisions = chain.events$.pipe(filter((e) => e.type === 'chain-decision'));
    teardown.add(
      decisions.subscribe((e) => seen.push(e)),
      (s) => s.unsubscribe(),
    );
    const view: ServiceView = {
      ...fakeView().view,
      // The engine's events carry the chain's decisions: what `serve` gives the dashboard.
      events$: tokenManager.events$,
      snapshot: () => tokenManager.snapshot(),
    };
    const { url } = await dashboardOn(view, { snapshotIntervalMs: 20 });
    const stream = await SseReader.open(`${url}/events`, teardown);
    await stream.next('state');

    const token = await chain.getToken('https://vault.azure.net/.default');
    expect(seen.map((e) => e.type === 'chain-decision' && `${e.link} ${e.decision}`)).toEqual([
      'EnvironmentCredential tried',
      'EnvironmentCredential unavailable',
      'ClientSecretCredential tried',
      'ClientSecretCredential served',
    ]);
    expect(seen[1]).toMatchObject({
      reason: 'initial',
      message: expect.stringContaining('EnvironmentCredential'),
    });
    expect(seen.every((e) => e.key.endsWith('https://vault.azure.net/.default'))).toBe(true);
    const served = (d: { chain: { link: string; served: number }[] }) =>
      d.chain.some((row) => row.link === 'ClientSecretCredential' && row.served === 1);
    const { data } = await stream.next('snapshot', served);
    expect((data as { chain: unknown[] }).chain).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          link: 'EnvironmentCredential',
          tried: 1,
          unavailable: 1,
          served: 0,
        }),
        expect.objectContaining({
          link: 'ClientSecretCredential',
          tried: 1,
          served: 1,
          lastDecision: 'served',
        }),
      ]),
    );
    expect(stream.raw).not.toContain(token.token);
    expect(stream.raw).not.toContain('chain-secret-value');
  });
});
