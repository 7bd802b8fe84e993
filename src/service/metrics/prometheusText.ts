import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** The Prometheus text exposition format's content type. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

// OpenTelemetry's Prometheus compatibility rules: the unit becomes a suffix of the name.
const UNIT_SUFFIXES: Readonly<Record<string, string>> = {
  ms: 'milliseconds',
  s: 'seconds',
  By: 'bytes',
};

/**
 * Serializes collected metrics as Prometheus text: without `target_info` or scope labels (the
 * names carry the `reactive_identity` prefix), counters ending in `_total` (the serializer adds
 * it) and units as name suffixes (`reactive_identity_acquisition_duration_milliseconds`), which
 * the serializer of exporter-prometheus 0.223 leaves out. OTLP keeps the plain names and units.
 */
export function toPrometheusText(resourceMetrics: ResourceMetrics): string {
  const serializer = new PrometheusSerializer(undefined, false, undefined, true, true);
  return serializer.serialize({
    ...resourceMetrics,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map(withUnitSuffix),
    })),
  });
}

function withUnitSuffix(metric: MetricData): MetricData {
  const suffix = UNIT_SUFFIXES[metric.descriptor.unit];
  const { name } = metric.descriptor;
  if (suffix === undefined || name.endsWith(`_${suffix}`) || name.endsWith(`.${suffix}`))
    return metric;
  return { ...metric, descriptor: { ...metric.descriptor, name: `${name}_${suffix}` } };
}
