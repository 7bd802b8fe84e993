/**
 * `/metrics`: the engine's OpenTelemetry metrics and the sidecar's request counts in the Prometheus
 * text format, through `@opentelemetry/sdk-metrics` and its Prometheus exporter (which serves no
 * port of its own: the service's one HTTP server mounts {@link ServiceMetrics.route}); optionally
 * pushed to an OTLP/HTTP collector as well.
 */
import type { MeterProvider as MeterProviderApi } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type IMetricReader,
} from '@opentelemetry/sdk-metrics';
import { InvalidArgumentError } from '../../errors.js';
import type { ServiceRoute, SidecarRequestEvent } from '../serviceContract.js';
import { SidecarMetrics } from './sidecarMetrics.js';
import { PROMETHEUS_CONTENT_TYPE, toPrometheusText } from './prometheusText.js';

export { SidecarMetricNames } from './sidecarMetrics.js';

/** Options of {@link createServiceMetrics}. */
export interface ServiceMetricsOptions {
  /**
   * Also push every metric to an OTLP/HTTP collector (`url`, e.g.
   * `http://127.0.0.1:4318/v1/metrics`) every `intervalMs` (default 60 000). Default: none.
   */
  otlp?: { url: string; intervalMs?: number };
}

/** The service's metrics: the provider the engine records into, and the `/metrics` route. */
export interface ServiceMetrics {
  /** Pass it to `new TokenManager({ meterProvider })`. */
  meterProvider: MeterProviderApi;
  /** Answers `GET /metrics` (and `HEAD`); resolves `false` for every other path. */
  route: ServiceRoute;
  /** Counts one answered sidecar request by status and reason. */
  recordSidecarRequest(event: SidecarRequestEvent): void;
  /** Flushes the OTLP exporter (if any) and stops every reader. */
  shutdown(): Promise<void>;
}

export const DEFAULT_OTLP_INTERVAL_MS = 60_000;
export const METRICS_PATH = '/metrics';
const TEXT = 'text/plain; charset=utf-8';

/**
 * Metrics for `reactive-identity serve`.
 *
 * @example
 * ```ts
 * const metrics = createServiceMetrics();
 * const manager = new TokenManager({ meterProvider: metrics.meterProvider });
 * // server: if (await metrics.route(request, response, url)) return;
 * ```
 */
export function createServiceMetrics(options: ServiceMetricsOptions = {}): ServiceMetrics {
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const readers: IMetricReader[] = [prometheus];
  if (options.otlp !== undefined) readers.push(otlpReader(options.otlp));
  const provider = new MeterProvider({ readers });
  const sidecar = new SidecarMetrics(provider);
  let stopped: Promise<void> | undefined;
  const route: ServiceRoute = async (request, response, url) => {
    if (url.pathname !== METRICS_PATH) return false;
    const headers = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': TEXT });
      response.end('Method not allowed.\n');
    } else if (stopped !== undefined) {
      response.writeHead(503, { ...headers, 'Content-Type': TEXT });
      response.end('Metrics have been shut down.\n');
    } else {
      // Collection errors (a failing observable callback) leave the other series intact.
      const { resourceMetrics } = await prometheus.collect();
      const body = toPrometheusText(resourceMetrics);
      response.writeHead(200, { ...headers, 'Content-Type': PROMETHEUS_CONTENT_TYPE });
      response.end(request.method === 'HEAD' ? undefined : body);
    }
    return true;
  };
  return {
    meterProvider: provider,
    route,
    recordSidecarRequest: (event) => sidecar.record(event),
    shutdown: () => (stopped ??= provider.shutdown()),
  };
}

function otlpReader(otlp: { url: string; intervalMs?: number }): PeriodicExportingMetricReader {
  let url: URL;
  try {
    url = new URL(otlp.url);
  } catch (cause) {
    // Never echoed: a collector URL may carry credentials.
    throw new InvalidArgumentError('The OTLP metrics URL is not a URL.', { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError(
      `The OTLP metrics URL must be http or https, not ${url.protocol.slice(0, 20)}`,
    );
  if (url.username !== '' || url.password !== '')
    throw new InvalidArgumentError('The OTLP metrics URL must not carry credentials.');
  const intervalMs = otlp.intervalMs ?? DEFAULT_OTLP_INTERVAL_MS;
  if (!Number.isInteger(intervalMs) || intervalMs < 100)
    throw new InvalidArgumentError(
      `The OTLP export interval must be an integer of at least 100 ms: ${String(intervalMs)}`,
    );
  return new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: url.href }),
    exportIntervalMillis: intervalMs,
    exportTimeoutMillis: Math.min(30_000, intervalMs),
  });
}
