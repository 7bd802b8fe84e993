/**
 * The dashboard: a static page at `/` (plain ES modules, CSS and uPlot, no build step) that follows
 * the service live over Server-Sent Events from `/events`: every key's state, countdowns, a
 * timeline of acquisitions, refreshes, retries and errors, cache hits by layer, the sidecar's
 * clients and the chain's decisions. Nothing it sends holds a token or a secret.
 */
import type { SchedulerLike } from 'rxjs';
import { unrefScheduler } from '../../streams/clock.js';
import type { ServiceRoute, ServiceView } from '../serviceContract.js';
import { DashboardHub, type DashboardHubOptions } from './dashboardHub.js';
import { loadStaticAssets, sendAsset } from './staticAssets.js';

/** Options of {@link createDashboard}; every field has a default (see {@link DashboardHubOptions}). */
export interface DashboardOptions extends Partial<DashboardHubOptions> {
  /** Time source for the `now` each message carries, and timers. Default: the wall clock, unref'd. */
  scheduler?: SchedulerLike;
  /** Pages connected at once; more get 503. Default 32. */
  maxConnections?: number;
}

/** The dashboard's route and its shutdown. */
export interface Dashboard {
  /** Answers `GET /`, the page's files under `/assets/`, and `GET /events`. */
  route: ServiceRoute;
  /** Ends every Server-Sent Events stream and subscription; the route answers 503 afterwards. */
  close(): void;
  /** `/events` streams open now. */
  readonly connections: number;
}

export const EVENTS_PATH = '/events';
export const DEFAULT_MAX_CONNECTIONS = 32;

/**
 * The dashboard of `reactive-identity serve`, reading the service's view.
 *
 * @example
 * ```ts
 * const dashboard = createDashboard(service.view);
 * // server: if (await dashboard.route(request, response, url)) return;
 * // shutdown: dashboard.close();
 * ```
 */
export function createDashboard(view: ServiceView, options: DashboardOptions = {}): Dashboard {
  const assets = loadStaticAssets();
  const hub = new DashboardHub(view, {
    ...options,
    scheduler: options.scheduler ?? unrefScheduler,
  });
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  let closed = false;
  const route: ServiceRoute = (request, response, url) => {
    const asset = assets.get(url.pathname);
    if (asset === undefined && url.pathname !== EVENTS_PATH) return false;
    const head = request.method === 'HEAD';
    if (request.method !== 'GET' && !(head && asset !== undefined)) {
      plain(response, 405, 'Method not allowed.', { Allow: asset ? 'GET, HEAD' : 'GET' });
    } else if (asset !== undefined) {
      sendAsset(response, asset, head);
    } else if (closed) {
      plain(response, 503, 'The dashboard is shutting down.');
    } else if (hub.size >= maxConnections) {
      plain(response, 503, 'Too many dashboard pages are open.', { 'Retry-After': '5' });
    } else {
      hub.connect(response);
    }
    return true;
  };
  return {
    route,
    close: () => {
      closed = true;
      hub.close();
    },
    get connections() {
      return hub.size;
    },
  };
}

function plain(
  response: Parameters<ServiceRoute>[1],
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(`${text}\n`);
}
