import {
  metrics,
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type ObservableResult,
} from '@opentelemetry/api';
import { Attr } from './tracing.js';

export const METER_NAME = 'reactive-identity';

/** Metric names, for dashboards. */
export const MetricNames = {
  acquisitions: 'reactive_identity.acquisitions',
  acquisitionDuration: 'reactive_identity.acquisition.duration',
  cacheLookups: 'reactive_identity.cache.lookups',
  refreshFailures: 'reactive_identity.refresh.failures',
  remainingLifetime: 'reactive_identity.token.remaining_lifetime',
  layerLookups: 'reactive_identity.cache.layer.lookups',
  lockRequests: 'reactive_identity.cache.lock.requests',
  lockWaitTime: 'reactive_identity.cache.lock.wait_time',
  degradedTime: 'reactive_identity.cache.degraded_time',
  degraded: 'reactive_identity.cache.degraded',
} as const;

/** What the remaining-lifetime gauge reports for one key. */
export interface LifetimeReading {
  key: string;
  credential: string;
  remainingMs: number;
}

/** Cumulative cache lookups of one credential kind in one layer. */
export interface LookupReading {
  credential: string;
  layer: string;
  hit: boolean;
  count: number;
}

/** The counts a cache layer keeps of itself (the Redis layer), cumulative since it started. */
export interface CacheLayerReading {
  layer: string;
  /** Lookups by outcome: `hit`, `miss`, `dropped` (unreadable), `skipped` (degraded), `error`. */
  lookups: Readonly<Record<string, number>>;
  /** Requests for a key's lock by outcome (see `CacheLockOutcome`), with the time spent waiting. */
  locks: Readonly<Record<string, { count: number; waitedMs: number }>>;
  /** Time spent degraded (the engine carried on without the layer), the current spell included. */
  degradedMs: number;
  degraded: boolean;
}

/** Where the observable instruments read their values at collection time. */
export interface MetricsSource {
  lifetimes(): LifetimeReading[];
  lookups(): LookupReading[];
  /** Layers that count themselves. Default: none. */
  layers?(): CacheLayerReading[];
}

/**
 * The library's instruments on one meter. Labels never carry tokens or secrets. Cache lookups are
 * an observable counter read at collection time, so a cached `getToken` adds no metric work.
 */
export class IdentityMetrics {
  private readonly acquisitions: Counter;
  private readonly duration: Histogram;
  private readonly refreshFailures: Counter;

  constructor(source: MetricsSource, provider?: MeterProvider) {
    const meter = (provider ?? metrics.getMeterProvider()).getMeter(METER_NAME);
    this.acquisitions = meter.createCounter(MetricNames.acquisitions, {
      description: 'Token acquisitions by credential and outcome',
    });
    this.duration = meter.createHistogram(MetricNames.acquisitionDuration, {
      description: 'Duration of token acquisitions',
      unit: 'ms',
    });
    meter
      .createObservableCounter(MetricNames.cacheLookups, {
        description: 'Token cache lookups by layer and hit',
      })
      .addCallback((result: ObservableResult) => {
        for (const r of source.lookups()) {
          result.observe(r.count, {
            [Attr.credential]: r.credential,
            [Attr.cacheLayer]: r.layer,
            [Attr.cacheHit]: r.hit,
          });
        }
      });
    this.refreshFailures = meter.createCounter(MetricNames.refreshFailures, {
      description: 'Failed refreshes of a token that was still being served',
    });
    meter
      .createObservableGauge(MetricNames.remainingLifetime, {
        description: 'Remaining lifetime of the current token per key',
        unit: 'ms',
      })
      .addCallback((result: ObservableResult) => {
        for (const r of source.lifetimes()) {
          result.observe(r.remainingMs, { key: r.key, [Attr.credential]: r.credential });
        }
      });
    observeLayers(meter, () => source.layers?.() ?? []);
  }

  acquisition(
    credential: string,
    outcome: 'success' | 'failure',
    durationMs: number,
    errorType?: string,
  ): void {
    const attributes: Attributes = { [Attr.credential]: credential, [Attr.outcome]: outcome };
    if (errorType !== undefined) attributes[Attr.errorType] = errorType;
    this.acquisitions.add(1, attributes);
    this.duration.record(durationMs, attributes);
  }

  refreshFailure(credential: string): void {
    this.refreshFailures.add(1, { [Attr.credential]: credential });
  }
}

/** The instruments of layers that count themselves: read at collection time, no work per call. */
function observeLayers(meter: Meter, layers: () => CacheLayerReading[]): void {
  const counter = (name: string, description: string, unit?: string) =>
    meter.createObservableCounter(name, { description, ...(unit === undefined ? {} : { unit }) });
  counter(MetricNames.layerLookups, 'Lookups in a cache layer by outcome').addCallback((result) => {
    for (const r of layers())
      for (const [outcome, count] of Object.entries(r.lookups))
        result.observe(count, { [Attr.cacheLayer]: r.layer, [Attr.outcome]: outcome });
  });
  const locks = (name: string, description: string, unit: string | undefined, ms: boolean) =>
    counter(name, description, unit).addCallback((result) => {
      for (const r of layers())
        for (const [outcome, lock] of Object.entries(r.locks))
          result.observe(ms ? lock.waitedMs : lock.count, {
            [Attr.cacheLayer]: r.layer,
            [Attr.outcome]: outcome,
          });
    });
  locks(MetricNames.lockRequests, "Requests for a key's shared lock by outcome", undefined, false);
  locks(MetricNames.lockWaitTime, "Time spent waiting for a key's shared lock", 'ms', true);
  counter(MetricNames.degradedTime, 'Time a cache layer spent degraded', 'ms').addCallback(
    (result) => {
      for (const r of layers()) result.observe(r.degradedMs, { [Attr.cacheLayer]: r.layer });
    },
  );
  meter
    .createObservableGauge(MetricNames.degraded, {
      description: 'Whether a cache layer is degraded now (1) or not (0)',
    })
    .addCallback((result) => {
      for (const r of layers()) result.observe(r.degraded ? 1 : 0, { [Attr.cacheLayer]: r.layer });
    });
}
