import type { Counter, Histogram, MeterProvider } from '@opentelemetry/api';
import type { SidecarRequestEvent } from '../serviceContract.js';

/** The sidecar's instruments, beside the engine's `MetricNames`. */
export const SidecarMetricNames = {
  requests: 'reactive_identity.sidecar.requests',
  requestDuration: 'reactive_identity.sidecar.request.duration',
} as const;

/** Label names: the answer's status and, for a refusal, why. Never the client or the resource. */
export const SidecarLabels = { status: 'http.response.status_code', reason: 'reason' } as const;

const METER_NAME = 'reactive-identity-service';
// A cached answer takes well under a millisecond; an acquisition behind it can take seconds.
const DURATION_BUCKETS_MS = [0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000];
// Reasons are short slugs the sidecar chose (`wrong-header`, `upstream-ERR_NETWORK`); anything
// else is folded into `other`, so that labels stay few.
const REASON = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Counts the sidecar's answered requests by status and reason, with their durations. */
export class SidecarMetrics {
  private readonly requests: Counter;
  private readonly duration: Histogram;

  constructor(provider: MeterProvider) {
    const meter = provider.getMeter(METER_NAME);
    this.requests = meter.createCounter(SidecarMetricNames.requests, {
      description: 'Requests answered by the token sidecar, by status and refusal reason',
    });
    this.duration = meter.createHistogram(SidecarMetricNames.requestDuration, {
      description: 'Time the token sidecar took to answer',
      unit: 'ms',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_MS },
    });
  }

  record(event: SidecarRequestEvent): void {
    const status =
      Number.isInteger(event.status) && event.status >= 100 && event.status <= 599
        ? String(event.status)
        : 'other';
    const reason =
      event.reason === undefined ? 'none' : REASON.test(event.reason) ? event.reason : 'other';
    const labels = { [SidecarLabels.status]: status, [SidecarLabels.reason]: reason };
    this.requests.add(1, labels);
    if (Number.isFinite(event.durationMs) && event.durationMs >= 0)
      this.duration.record(event.durationMs, { [SidecarLabels.status]: status });
  }
}
