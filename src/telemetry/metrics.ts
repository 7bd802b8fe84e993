import {
  metrics,
  type Attributes,
  type Counter,
  type Histogram,
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

/** Where the observable instruments read their values at collection time. */
export interface MetricsSource {
  lifetimes(): LifetimeReading[];
  lookups(): LookupReading[];
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
