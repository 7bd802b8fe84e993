import { inspect } from 'node:util';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  ACQUIRE_SPAN_NAME,
  ClientSecretCredential,
  TokenManager,
  type AccessToken,
  type LogLevel,
  type TokenEvent,
} from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { describeError } from '../support/errorText.js';

// A secret nobody would type by accident: if any of it shows up, it leaked.
const CANARY = 'CANARY~k9Zr.4pQx_7wLm2Vb8Ns3Td6Yh';
const GOOD_APP = '0c0a0a0a-0000-4000-8000-00000000ca01';
const WRONG_APP = '0c0a0a0a-0000-4000-8000-00000000ca02';

/** A pull reader, read once at the end. */
class TestMetricReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

describe('canary secret', () => {
  let em: Emulator;
  let manager: TokenManager;
  let good: ClientSecretCredential;
  let wrong: ClientSecretCredential;
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const logs: [LogLevel, string][] = [];
  const events: TokenEvent[] = [];
  const errors: unknown[] = [];
  const issued: AccessToken[] = [];
  const snapshots: unknown[] = [];

  const attempt = async (credential: ClientSecretCredential, scope: string): Promise<void> => {
    try {
      issued.push(await credential.getToken(scope));
    } catch (error) {
      errors.push(error);
    }
    snapshots.push(credential.snapshot());
  };

  const haystack = async (): Promise<string> => {
    const { resourceMetrics } = await reader.collect();
    const spans = exporter.getFinishedSpans().map((s) => ({
      name: s.name,
      attributes: s.attributes,
      status: s.status,
      events: s.events,
      links: s.links,
    }));
    return [
      JSON.stringify(logs),
      JSON.stringify(spans),
      JSON.stringify(events),
      JSON.stringify(snapshots),
      JSON.stringify(manager.snapshot()),
      inspect(resourceMetrics, { depth: 20 }),
      ...errors.flatMap((error) => describeError(error)),
    ].join('\n');
  };

  beforeAll(async () => {
    em = await startEmulator();
    em.registerApp({ clientId: GOOD_APP, clientSecret: CANARY });
    em.registerApp({ clientId: WRONG_APP, clientSecret: 'the-registered-secret-is-another-one' });
    manager = new TokenManager({
      retryInitialDelayMs: 5,
      retryMaxDelayMs: 20,
      tracerProvider,
      meterProvider,
    });
    const options = {
      authorityHost: em.url,
      tlsOptions: { ca: em.ca },
      tokenManager: manager,
      loggingOptions: {
        logLevel: 'verbose' as const,
        sink: (level: LogLevel, message: string) => logs.push([level, message]),
      },
    };
    good = new ClientSecretCredential(em.tenantId, GOOD_APP, CANARY, options);
    wrong = new ClientSecretCredential(em.tenantId, WRONG_APP, CANARY, options);
    manager.events$.subscribe((event) => events.push(event));

    await attempt(good, 'https://storage.azure.com/.default');
    await attempt(good, 'https://storage.azure.com/.default');
    await attempt(wrong, 'https://storage.azure.com/.default');
    em.faults.add({ route: 'token', status: 503, retryAfterSeconds: 0, times: 1 });
    await attempt(good, 'https://vault.azure.net/.default');
    em.faults.add({ route: 'token', status: 503, retryAfterSeconds: 0 });
    await attempt(good, 'https://management.azure.com/.default');
    em.faults.clear();
    em.faults.add({ route: 'token', garbage: true, times: 1 });
    await attempt(good, 'https://graph.microsoft.com/.default');
  });

  afterAll(async () => {
    await good?.close();
    await wrong?.close();
    await manager?.close();
    await em?.stop();
    await meterProvider.shutdown();
    await tracerProvider.shutdown();
  });

  it('ran every scenario: three tokens (one cached), a 401, a 503 that gave up, a garbage body', () => {
    expect(issued).toHaveLength(3);
    expect(
      errors.map((e) => [(e as { code?: string }).code, (e as { statusCode?: number }).statusCode]),
    ).toEqual([
      ['ERR_AUTHENTICATION_FAILED', 401],
      ['ERR_AUTHENTICATION_FAILED', 503],
      ['ERR_INVALID_RESPONSE', undefined],
    ]);
  });

  it('recorded spans and events for every attempt', () => {
    // 1 success, 1 wrong secret, 503 then success, 503 four times, garbage.
    expect(exporter.getFinishedSpans().filter((s) => s.name === ACQUIRE_SPAN_NAME)).toHaveLength(9);
    expect(events.filter((e) => e.type === 'acquisition-failed')).toHaveLength(7);
  });

  it('collected the details a leak would hide in', async () => {
    const text = await haystack();
    for (const detail of [
      WRONG_APP,
      'invalid_client',
      'temporarily_unavailable',
      'access_tok',
      'No client info',
    ]) {
      expect(text).toContain(detail);
    }
  });

  it('never leaks the secret in logs, spans, events, snapshots, metrics or errors', async () => {
    expect(await haystack()).not.toContain(CANARY);
  });

  it('never leaks a fragment of the secret', async () => {
    const text = await haystack();
    const fragments = CANARY.split(/[~._]/).filter((f) => f.length >= 6);
    expect(fragments.filter((f) => text.includes(f))).toEqual([]);
  });

  it('never leaks an issued access token', async () => {
    const text = await haystack();
    expect(issued.filter((t) => text.includes(t.token))).toEqual([]);
  });

  it('never leaks the signature of an issued access token', async () => {
    const text = await haystack();
    expect(issued.map((t) => t.token.split('.')[2]!).filter((sig) => text.includes(sig))).toEqual(
      [],
    );
  });
});
