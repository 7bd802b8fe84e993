/**
 * What the dashboard remembers between page loads, all of it bounded: the recent events (the
 * timeline a new page starts from), cache hits by layer, the sidecar's clients, and each chain
 * link's decisions. Counts are kept here rather than in browsers, so that a page that opens late,
 * or a stream that had to drop events under load, still shows true totals.
 */
import type { TokenEvent } from '../../telemetry/events.js';
import type { SidecarRequestEvent } from '../serviceContract.js';
import { wireEvent, wireSidecar, wireText, type WireRecord } from './dashboardWire.js';

/** Bounds of the remembered state. */
export interface DashboardStateLimits {
  /** Engine events kept for the timeline. Default 500. */
  historySize?: number;
  /** Sidecar requests kept for the list of recent ones. Default 100. */
  requestHistorySize?: number;
  /** Sidecar clients (`address:port`, one per connection) kept, least recent dropped first. Default 100. */
  maxClients?: number;
  /** Distinct chain links kept. Default 50. */
  maxChainLinks?: number;
}

export interface SidecarClientRow {
  client: string;
  total: number;
  byStatus: Record<string, number>;
  lastAt: number;
  lastStatus: number;
  lastResource?: string;
  lastReason?: string;
}

export interface ChainLinkRow {
  link: string;
  tried: number;
  unavailable: number;
  failed: number;
  served: number;
  lastDecision: string;
  lastAt: number;
  lastMessage?: string;
}

/** The totals part of every state and snapshot message. */
export interface DashboardTotals {
  cacheHitsByLayer: Record<string, number>;
  clients: SidecarClientRow[];
  chain: ChainLinkRow[];
  sidecarRequests: number;
}

/** Event types that belong on the timeline (`stream-opened` and the like only clutter it). */
const TIMELINE_TYPES = new Set<string>([
  'cache-hit',
  'acquisition-started',
  'acquisition-succeeded',
  'acquisition-failed',
  'retry-scheduled',
  'token-expired',
  'cache-degraded',
  'cache-recovered',
  'cache-warning',
  'cache-lock',
  'chain-decision',
]);

export class DashboardState {
  private readonly history: WireRecord[] = [];
  private readonly requests: WireRecord[] = [];
  private readonly cacheHits = new Map<string, number>();
  private readonly clients = new Map<string, SidecarClientRow>();
  private readonly links = new Map<string, ChainLinkRow>();
  private sidecarRequests = 0;
  private readonly historySize: number;
  private readonly requestHistorySize: number;
  private readonly maxClients: number;
  private readonly maxChainLinks: number;

  constructor(limits: DashboardStateLimits = {}) {
    this.historySize = limits.historySize ?? 500;
    this.requestHistorySize = limits.requestHistorySize ?? 100;
    this.maxClients = limits.maxClients ?? 100;
    this.maxChainLinks = limits.maxChainLinks ?? 50;
  }

  /** Folds an engine event in; returns it as sent, or `undefined` if browsers need not see it. */
  engineEvent(event: TokenEvent): WireRecord | undefined {
    if (event.type === 'cache-hit') {
      const layer = wireText(event.layer);
      this.cacheHits.set(layer, (this.cacheHits.get(layer) ?? 0) + 1);
    } else if (event.type === 'chain-decision') {
      this.chainDecision(event);
    }
    if (!TIMELINE_TYPES.has(event.type)) return undefined;
    return remember(this.history, wireEvent(event), this.historySize);
  }

  /** Folds a sidecar request in; returns it as sent. */
  sidecarEvent(event: SidecarRequestEvent): WireRecord {
    const record = wireSidecar(event);
    this.sidecarRequests++;
    const client = String(record.client);
    const row = this.clients.get(client) ?? {
      client,
      total: 0,
      byStatus: {},
      lastAt: 0,
      lastStatus: 0,
    };
    row.total++;
    row.byStatus[event.status] = (row.byStatus[event.status] ?? 0) + 1;
    row.lastAt = event.at;
    row.lastStatus = event.status;
    row.lastResource = record.resource as string | undefined;
    row.lastReason = record.reason as string | undefined;
    touch(this.clients, client, row, this.maxClients);
    return remember(this.requests, record, this.requestHistorySize);
  }

  /** The timeline a page starts from. */
  recentEvents(): WireRecord[] {
    return [...this.history];
  }

  /** The recent sidecar requests a page starts from. */
  recentRequests(): WireRecord[] {
    return [...this.requests];
  }

  totals(): DashboardTotals {
    return {
      cacheHitsByLayer: Object.fromEntries(this.cacheHits),
      clients: [...this.clients.values()]
        .reverse()
        .map((row) => ({ ...row, byStatus: { ...row.byStatus } })),
      chain: [...this.links.values()].map((row) => ({ ...row })),
      sidecarRequests: this.sidecarRequests,
    };
  }

  private chainDecision(event: TokenEvent & { type: 'chain-decision' }): void {
    const link = wireText(event.link);
    const row = this.links.get(link) ?? {
      link,
      tried: 0,
      unavailable: 0,
      failed: 0,
      served: 0,
      lastDecision: event.decision,
      lastAt: event.at,
    };
    row[event.decision]++;
    row.lastDecision = event.decision;
    row.lastAt = event.at;
    row.lastMessage = event.message === undefined ? undefined : wireText(event.message);
    touch(this.links, link, row, this.maxChainLinks);
  }
}

/** Appends `record` to `list`, keeping its last `max` entries. */
function remember(list: WireRecord[], record: WireRecord, max: number): WireRecord {
  list.push(record);
  if (list.length > max) list.splice(0, list.length - max);
  return record;
}

/** Sets `key` as the most recent entry of `map`, dropping the least recent beyond `max`. */
function touch<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as string);
}
