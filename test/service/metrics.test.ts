import { request as httpRequest, type IncomingMessage } from 'node:http';
import { ClientSecretCredential, MetricNames, TokenManager } from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import {
  createServiceMetrics,
  SidecarMetricNames,
  type ServiceMetrics,
} from '../../src/service/metrics/index.js';
import { thrown } from '../support/failures.js';
import { teardownAfterEach } from '../support/teardown.js';
import { until } from '../support/until.js';
import { VirtualClock } from '../support/virtualClock.js';
import { serveRoutes } from './dashboardSse.js';
import { parsePrometheusText, samplesOf, type Family } from './metricsText.js';

const CLIENT_ID = '5a1d0c3e-0000-4000-8000-0000000000d1';
const SECRET = 'metrics-client-secret~value';
const STORAGE = 'https://storage.azure.com/.default';
const VAULT = 'https://vault.azure.net/.default';

let em: Emulator;
const teardown = teardownAfterEach();

beforeAll(async () => {
  em = await startEmulator({ apps: [{ clientId: CLIENT_ID, clientSecret: SECRET }] });
});
afterAll(() => em.stop());
afterEach(() => em.faults.clear());

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function get(url: string, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { method }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    })
      .on('error', reject)
      .end();
  });
}

function metrics(options?: Parameters<typeof createServiceMetrics>[0]): ServiceMetrics {
  return teardown.add(createServiceMetrics(options), (m) => m.shutdown());
}

/** An engine on `metrics` with virtual time (starting now), and credentials on the emulator. */
function engine(service: ServiceMetrics) {
  const clock = new VirtualClock(Date.now());
  const tokenManager = teardown.add(
    new TokenManager({ meterProvider: service.meterProvider, scheduler: clock }),
    (m) => m.close(),
  );
  const credentialWith = (secret: string) =>
    new ClientSecretCredential(em.tenantId, CLIENT_ID, secret, {
      authorityHost: em.url,
      tlsOptions: { ca: em.ca },
      tokenManager,
      env: {},
    });
  return { clock, credential: credentialWith(SECRET), credentialWith };
}

function only(families: Map<string, Family>, name: string, labels: Record<string, string> = {}) {
  const found = samplesOf(families, name, labels);
  expect(found).toHaveLength(1);
  return found[0]!.value;
}

const ACQUISITIONS = 'reactive_identity_acquisitions_total';
const DURATION = 'reactive_identity_acquisition_duration_milliseconds';
const LOOKUPS = 'reactive_identity_cache_lookups_total';
const REFRESH_FAILURES = 'reactive_identity_refresh_failures_total';
const LIFETIME = 'reactive_identity_token_remaining_lifetime_milliseconds';
const SIDECAR = 'reactive_identity_sidecar_requests_total';
const SIDECAR_DURATION = 'reactive_identity_sidecar_request_duration_milliseconds';
const CREDENTIAL = { azure_identity_credential: 'ClientSecretCredential' };

describe('createServiceMetrics', () => {
  it('serves the engine series as strict Prometheus text, with sane values', async () => {
    const service = metrics();
    const url = await serveRoutes(teardown, service.route);
    const { clock, credential, credentialWith } = engine(service);
    const tokens = [await credential.getToken(STORAGE), await credential.getToken(VAULT)];
    for (let i = 0; i < 3; i++) await credential.getToken(STORAGE);
    // Both keys stay live and refresh at 55 min; one refresh fails once, then its retry wins.
    const live = [STORAGE, VAULT].map((scope) => credential.token$(scope).subscribe());
    teardown.defer(() => live.forEach((subscription) => subscription.unsubscribe()));
    const keys = () => credential.snapshot();
    em.faults.add({ route: 'token', status: 503, times: 1 });
    await clock.advance(55 * 60_000 + 1_000);
    await until(() => keys().some((k) => k.failures === 1), 'the failed refresh');
    await clock.advance(60_000);
    const attempts = () => keys().reduce((n, k) => n + k.acquisitions, 0);
    await until(() => keys().every((k) => k.state === 'fresh') && attempts() === 5, 'refreshes');
    // A wrong secret on the same engine: an acquisition that fails.
    await expect(credentialWith('wrong-secret-value').getToken(VAULT)).rejects.toThrow(/401/);

    const answer = await get(`${url}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    const families = parsePrometheusText(answer.body);

    expect(families.get(ACQUISITIONS)?.type).toBe('counter');
    // Two first acquisitions and two refreshes (one of them retried).
    const success = { ...CREDENTIAL, azure_identity_outcome: 'success' };
    expect(only(families, ACQUISITIONS, success)).toBe(4);
    const failures = samplesOf(families, ACQUISITIONS, { azure_identity_outcome: 'failure' });
    expect(failures.reduce((n, s) => n + s.value, 0)).toBe(2);
    expect(failures.every((s) => /^[A-Za-z_]+$/.test(s.labels.error_type ?? ''))).toBe(true);

    expect(families.get(DURATION)?.type).toBe('histogram');
    expect(families.get(DURATION)?.unit).toBe('ms');
    const count = only(families, `${DURATION}_count`, success);
    const sum = only(families, `${DURATION}_sum`, success);
    expect(count).toBe(4);
    expect(sum).toBeGreaterThanOrEqual(0);

    const streamHits = only(families, LOOKUPS, {
      ...CREDENTIAL,
      azure_identity_cache_layer: 'stream',
      azure_identity_cache_hit: 'true',
    });
    expect(streamHits).toBe(3);
    // One miss per first acquisition: storage, vault, and the wrong secret's vault key.
    expect(only(families, LOOKUPS, { ...CREDENTIAL, azure_identity_cache_hit: 'false' })).toBe(3);

    expect(only(families, REFRESH_FAILURES, CREDENTIAL)).toBe(1);

    expect(families.get(LIFETIME)?.type).toBe('gauge');
    const lifetimes = samplesOf(families, LIFETIME, CREDENTIAL);
    expect(lifetimes.map((s) => s.labels.key).sort()).toEqual(
      expect.arrayContaining([expect.stringContaining(STORAGE), expect.stringContaining(VAULT)]),
    );
    for (const { value } of lifetimes) {
      // Tokens live an hour (by the real clock); virtual time has moved 56 minutes on.
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThanOrEqual(3600_000);
    }

    for (const { token } of tokens) expect(answer.body).not.toContain(token);
    expect(answer.body).not.toContain(SECRET);
    expect(answer.body).not.toContain('eyJ');
  });

  it('counts sidecar requests by status and reason, with bounded labels', async () => {
    const service = metrics();
    const url = await serveRoutes(teardown, service.route);
    const event = { type: 'sidecar-request' as const, at: 0, client: '127.0.0.1:50000' };
    const resource = 'https://storage.azure.com';
    for (let i = 0; i < 3; i++)
      service.recordSidecarRequest({ ...event, status: 200, resource, durationMs: 0.4 });
    service.recordSidecarRequest({
      ...event,
      status: 401,
      reason: 'wrong-header',
      durationMs: 0.1,
    });
    service.recordSidecarRequest({ ...event, status: 400, reason: 'Not A Slug!', durationMs: 2 });
    service.recordSidecarRequest({
      ...event,
      status: 503,
      reason: 'upstream-ERR_NETWORK',
      durationMs: 9,
    });

    const families = parsePrometheusText((await get(`${url}/metrics`)).body);
    expect(families.get(SIDECAR)?.type).toBe('counter');
    const status = 'http_response_status_code';
    expect(only(families, SIDECAR, { [status]: '200', reason: 'none' })).toBe(3);
    expect(only(families, SIDECAR, { [status]: '401', reason: 'wrong-header' })).toBe(1);
    expect(only(families, SIDECAR, { [status]: '400', reason: 'other' })).toBe(1);
    expect(only(families, SIDECAR, { [status]: '503', reason: 'upstream-ERR_NETWORK' })).toBe(1);
    for (const sample of samplesOf(families, SIDECAR))
      expect(Object.keys(sample.labels).sort()).toEqual([status, 'reason'].sort());
    expect(only(families, `${SIDECAR_DURATION}_count`, { [status]: '200' })).toBe(3);
    expect(only(families, `${SIDECAR_DURATION}_bucket`, { [status]: '200', le: '0.5' })).toBe(3);
    expect(only(families, `${SIDECAR_DURATION}_bucket`, { [status]: '200', le: '0.25' })).toBe(0);
    const text = (await get(`${url}/metrics`)).body;
    expect(text).not.toContain('127.0.0.1:50000');
    expect(text).not.toContain(resource);
  });

  it('answers only GET and HEAD on /metrics and leaves every other path to other routes', async () => {
    const service = metrics();
    const url = await serveRoutes(teardown, service.route);
    expect((await get(`${url}/`)).status).toBe(404);
    expect((await get(`${url}/metrics/x`)).status).toBe(404);
    const post = await get(`${url}/metrics`, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const head = await get(`${url}/metrics`, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    await service.shutdown();
    expect((await get(`${url}/metrics`)).status).toBe(503);
  });

  it('also pushes every series to an OTLP/HTTP collector when asked', async () => {
    const bodies: string[] = [];
    const collector = await serveRoutes(teardown, (request, response, url) => {
      if (request.method !== 'POST' || url.pathname !== '/v1/metrics') return false;
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        bodies.push(body);
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      });
      return true;
    });
    const service = metrics({ otlp: { url: `${collector}/v1/metrics`, intervalMs: 100 } });
    const { credential } = engine(service);
    await credential.getToken(STORAGE);
    service.recordSidecarRequest({
      type: 'sidecar-request',
      at: 0,
      client: '127.0.0.1:1',
      status: 200,
      durationMs: 1,
    });
    await until(
      () => bodies.some((b) => b.includes(SidecarMetricNames.requests)),
      'an OTLP export with the sidecar counter',
    );
    const body = bodies.find((b) => b.includes(SidecarMetricNames.requests))!;
    expect(body).toContain(MetricNames.acquisitions);
    // OTLP carries the plain instrument names and their units; suffixes are Prometheus's.
    expect(body).toContain(`"${MetricNames.acquisitionDuration}"`);
    expect(body).not.toContain('_milliseconds');
  });

  it.each([
    ['not a url', /not a URL/],
    ['ftp://user:secret-pw@127.0.0.1/v1/metrics', /http or https, not ftp:/],
    ['http://user:pw@127.0.0.1/v1/metrics', /credentials/],
  ])('refuses the OTLP URL %s with a typed error', (url, message) => {
    const error = thrown(() => createServiceMetrics({ otlp: { url } }));
    expect(error).toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringMatching(message),
    });
    // The URL itself (it may carry credentials) is never part of the message.
    expect(error.message).not.toContain(url);
    expect(error.message).not.toContain('pw');
  });

  it('refuses an OTLP interval under 100 ms', () => {
    expect(() =>
      createServiceMetrics({ otlp: { url: 'http://127.0.0.1:4318/v1/metrics', intervalMs: 5 } }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});
