import { context, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  DataPointType,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import {
  ACQUIRE_SPAN_NAME,
  AuthenticationError,
  MetricNames,
  TelemetryAttributes as Attr,
  TokenManager,
} from '../../src/index.js';
import { FakeCredential } from '../support/fakeCredential.js';
import { teardownAfterEach } from '../support/teardown.js';
import { VirtualClock } from '../support/virtualClock.js';

const SCOPE = 'https://storage.azure.com/.default';
const VAULT = 'https://vault.azure.net/.default';
const HOUR = 3_600_000;
const MIN = 60_000;

/** A pull reader: metrics are read when the test calls `collect()`. */
class TestMetricReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const teardown = teardownAfterEach();

function setup(options: { keepWarmMs?: number } = {}) {
  const clock = new VirtualClock();
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const manager = new TokenManager({
    scheduler: clock,
    random: () => 1,
    tracerProvider,
    meterProvider,
    keepWarmMs: options.keepWarmMs ?? 10 * MIN,
  });
  const credential = new FakeCredential(manager, clock, 100);
  const spans = (): ReadableSpan[] =>
    exporter.getFinishedSpans().filter((s) => s.name === ACQUIRE_SPAN_NAME);
  const metric = async (name: string): Promise<MetricData | undefined> => {
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    return resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === name);
  };
  const points = async (name: string): Promise<DataPoint<unknown>[]> =>
    ((await metric(name))?.dataPoints ?? []) as DataPoint<unknown>[];
  teardown.defer(async () => {
    await manager.close();
    await meterProvider.shutdown();
    await tracerProvider.shutdown();
  });
  return { clock, manager, credential, exporter, spans, metric, points, tracerProvider };
}

const unavailable503 = () =>
  new AuthenticationError(503, {
    error: 'temporarily_unavailable',
    errorDescription: 'AADSTS50000: busy',
  });
const invalidClient = () =>
  new AuthenticationError(401, {
    error: 'invalid_client',
    errorDescription: 'AADSTS7000215: Invalid client secret provided.',
  });

async function getToken(
  ctx: ReturnType<typeof setup>,
  ...args: Parameters<FakeCredential['getToken']>
) {
  const call = ctx.credential.getToken(...args).catch((e: unknown) => e);
  await ctx.clock.advance(100);
  return call;
}

describe('acquisition spans', () => {
  it('records one span per acquisition with the key’s attributes', async () => {
    const ctx = setup();
    await getToken(ctx, [VAULT, SCOPE]);
    expect(ctx.spans()).toHaveLength(1);
    expect(ctx.spans()[0]!.attributes).toMatchObject({
      [Attr.credential]: 'FakeCredential',
      [Attr.scopes]: `${SCOPE} ${VAULT}`,
      [Attr.scopeCount]: 2,
      [Attr.tenant]: '',
      [Attr.cae]: false,
      [Attr.reason]: 'initial',
    });
  });

  it('records the requested tenant and CAE flag', async () => {
    const ctx = setup();
    await getToken(ctx, SCOPE, { tenantId: 'tenant-b', enableCae: true });
    expect(ctx.spans()[0]!.attributes).toMatchObject({
      [Attr.tenant]: 'tenant-b',
      [Attr.cae]: true,
    });
  });

  it('marks a successful attempt with outcome success and status OK', async () => {
    const ctx = setup();
    await getToken(ctx, SCOPE);
    const [span] = ctx.spans();
    expect(span!.attributes[Attr.outcome]).toBe('success');
    expect(span!.status.code).toBe(SpanStatusCode.OK);
    expect(span!.attributes[Attr.errorType]).toBeUndefined();
  });

  it('marks a failed attempt with outcome failure, error.type and status ERROR', async () => {
    const ctx = setup();
    ctx.credential.outcomes = [{ error: invalidClient() }];
    await getToken(ctx, SCOPE);
    const [span] = ctx.spans();
    expect(span!.attributes).toMatchObject({
      [Attr.outcome]: 'failure',
      [Attr.errorType]: 'ERR_AUTHENTICATION_FAILED',
    });
    expect(span!.status).toMatchObject({
      code: SpanStatusCode.ERROR,
      message: expect.stringContaining('invalid_client'),
    });
  });

  it('records every retried attempt as its own span', async () => {
    const ctx = setup();
    ctx.credential.outcomes = [{ error: unavailable503() }, { error: unavailable503() }];
    const call = ctx.credential.getToken(SCOPE);
    await ctx.clock.advance(10_000);
    await call;
    expect(ctx.spans().map((s) => [s.attributes[Attr.reason], s.attributes[Attr.outcome]])).toEqual(
      [
        ['initial', 'failure'],
        ['initial', 'failure'],
        ['initial', 'success'],
      ],
    );
  });

  it('records a timer-driven refresh with reason proactive', async () => {
    const ctx = setup();
    const sub = ctx.credential.token$(SCOPE).subscribe();
    await ctx.clock.advance(56 * MIN);
    sub.unsubscribe();
    expect(ctx.spans().map((s) => s.attributes[Attr.reason])).toEqual(['initial', 'proactive']);
  });

  it('records a claims challenge with reason claims', async () => {
    const ctx = setup();
    await getToken(ctx, SCOPE);
    await getToken(ctx, SCOPE, { claims: '{"access_token":{"nbf":{"essential":true}}}' });
    expect(ctx.spans().map((s) => s.attributes[Attr.reason])).toEqual(['initial', 'claims']);
  });

  it('records no span for a getToken answered from the current token', async () => {
    const ctx = setup();
    await getToken(ctx, SCOPE);
    await getToken(ctx, SCOPE);
    expect(ctx.spans()).toHaveLength(1);
  });

  it('ends the span of an attempt cancelled by an aborted caller and a closing manager', async () => {
    const ctx = setup();
    const controller = new AbortController();
    const aborted = ctx.credential
      .getToken(SCOPE, { abortSignal: controller.signal })
      .catch((e: unknown) => e);
    await ctx.clock.advance(50);
    controller.abort();
    await aborted;
    expect(ctx.spans()).toHaveLength(0);
    await ctx.manager.close();
    expect(ctx.spans()).toHaveLength(1);
    expect(ctx.spans()[0]!.attributes[Attr.outcome]).toBe('cancelled');
  });

  it('aborts the credential’s request when its attempt is cancelled', async () => {
    const ctx = setup();
    const call = ctx.credential.getToken(SCOPE).catch((e: unknown) => e);
    await ctx.clock.advance(50);
    await ctx.manager.close();
    await call;
    expect(ctx.credential.requests[0]!.abortSignal.aborted).toBe(true);
  });

  it('leaves the abort signal of a finished request alone', async () => {
    const ctx = setup();
    await getToken(ctx, SCOPE);
    await ctx.manager.close();
    expect(ctx.credential.requests[0]!.abortSignal.aborted).toBe(false);
  });
});

describe('acquisition metrics', () => {
  it('counts acquisitions by credential and outcome', async () => {
    const ctx = setup();
    ctx.credential.outcomes = [{ error: invalidClient() }];
    await getToken(ctx, SCOPE);
    await getToken(ctx, SCOPE);
    const points = await ctx.points(MetricNames.acquisitions);
    expect(points.map((p) => [p.attributes, p.value])).toEqual(
      expect.arrayContaining([
        [{ [Attr.credential]: 'FakeCredential', [Attr.outcome]: 'success' }, 1],
        [
          {
            [Attr.credential]: 'FakeCredential',
            [Attr.outcome]: 'failure',
            [Attr.errorType]: 'ERR_AUTHENTICATION_FAILED',
          },
          1,
        ],
      ]),
    );
    expect(points).toHaveLength(2);
  });

  it('records the duration of each acquisition in scheduler milliseconds', async () => {
    const ctx = setup();
    await getToken(ctx, SCOPE);
    const data = await ctx.metric(MetricNames.acquisitionDuration);
    expect(data?.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(data?.descriptor.unit).toBe('ms');
    expect(data?.dataPoints[0]?.value).toMatchObject({ count: 1, sum: 100 });
  });

  it('counts cache lookups by layer and hit', async () => {
    const ctx = setup({ keepWarmMs: MIN });
    await getToken(ctx, SCOPE);
    await getToken(ctx, SCOPE);
    // The stream tears down after keepWarmMs; the next caller finds the token in the memory layer.
    await ctx.clock.advance(2 * MIN);
    await getToken(ctx, SCOPE);
    const points = await ctx.points(MetricNames.cacheLookups);
    const counts = points.map((p) => [
      p.attributes[Attr.cacheLayer],
      p.attributes[Attr.cacheHit],
      p.value,
    ]);
    expect(counts).toEqual(
      expect.arrayContaining([
        ['all', false, 1],
        ['stream', true, 1],
        ['memory', true, 1],
      ]),
    );
    expect(counts).toHaveLength(3);
    expect(ctx.credential.requests).toHaveLength(1);
  });

  it('counts failed refreshes of a token still being served', async () => {
    const ctx = setup();
    const sub = ctx.credential.token$(SCOPE).subscribe();
    await ctx.clock.advance(100);
    ctx.credential.outcomes = [{ error: unavailable503() }, { error: unavailable503() }];
    await ctx.clock.advance(56 * MIN);
    sub.unsubscribe();
    const points = await ctx.points(MetricNames.refreshFailures);
    expect(points.map((p) => [p.attributes, p.value])).toEqual([
      [{ [Attr.credential]: 'FakeCredential' }, 2],
    ]);
  });

  it('does not count a failed first acquisition as a refresh failure', async () => {
    const ctx = setup();
    ctx.credential.outcomes = [{ error: invalidClient() }];
    await getToken(ctx, SCOPE);
    expect(await ctx.points(MetricNames.refreshFailures)).toEqual([]);
  });

  it('reports the remaining lifetime of each key’s current token', async () => {
    const ctx = setup();
    await getToken(ctx, SCOPE);
    await getToken(ctx, VAULT, { tenantId: 'tenant-b' });
    await ctx.clock.advance(5 * MIN);
    const points = await ctx.points(MetricNames.remainingLifetime);
    expect(points.map((p) => [p.attributes, p.value])).toEqual(
      expect.arrayContaining([
        [
          { key: `FakeCredential(fake) - nocae ${SCOPE}`, [Attr.credential]: 'FakeCredential' },
          HOUR - 5 * MIN - 100,
        ],
        [
          {
            key: `FakeCredential(fake) tenant-b nocae ${VAULT}`,
            [Attr.credential]: 'FakeCredential',
          },
          HOUR - 5 * MIN,
        ],
      ]),
    );
    expect(points).toHaveLength(2);
  });
});

describe('refresh spans', () => {
  it('start a root span linked to the span that created the stream', async () => {
    const contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
    try {
      const ctx = setup({ keepWarmMs: 2 * HOUR });
      const tracer = ctx.tracerProvider.getTracer('caller');
      const callerSpan = tracer.startSpan('caller');
      const subscription = context.with(trace.setSpan(context.active(), callerSpan), () =>
        ctx.credential.token$(SCOPE).subscribe(),
      );
      callerSpan.end();
      await ctx.clock.advance(56 * MIN);
      const [initial, refresh] = ctx.spans();
      expect(initial!.parentSpanContext?.spanId).toBe(callerSpan.spanContext().spanId);
      expect(refresh!.attributes[Attr.reason]).toBe('proactive');
      expect(refresh!.parentSpanContext).toBeUndefined();
      expect(refresh!.links.map((l) => l.context.spanId)).toEqual([
        callerSpan.spanContext().spanId,
      ]);
      subscription.unsubscribe();
    } finally {
      context.disable();
    }
  });

  it('make the acquisition a child of the caller tracingOptions.tracingContext', async () => {
    const contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
    try {
      const ctx = setup();
      const callerSpan = ctx.tracerProvider.getTracer('caller').startSpan('sdk-call');
      const tracingContext = trace.setSpan(ROOT_CONTEXT, callerSpan);
      const call = ctx.credential.getToken(SCOPE, { tracingOptions: { tracingContext } });
      await ctx.clock.advance(100);
      await call;
      callerSpan.end();
      expect(ctx.spans()[0]!.parentSpanContext?.spanId).toBe(callerSpan.spanContext().spanId);
    } finally {
      context.disable();
    }
  });
});
