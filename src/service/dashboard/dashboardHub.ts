import type { ServerResponse } from 'node:http';
import { interval, Subscription, type SchedulerLike } from 'rxjs';
import type { ServiceView } from '../serviceContract.js';
import { DashboardState, type DashboardStateLimits } from './dashboardState.js';
import { sseMessage, wireKey, wireReadiness, type WireRecord } from './dashboardWire.js';
import { SseConnection } from './sseConnection.js';

/** Timing and bounds of the live stream; each field's default is documented. */
export interface DashboardHubOptions extends DashboardStateLimits {
  /** Time source (for the `now` each message carries) and timers. Default: the wall clock, unref'd. */
  scheduler: SchedulerLike;
  /** How often buffered events go out as one message. Default 250 ms. */
  flushIntervalMs?: number;
  /** How often every page gets a fresh snapshot of the keys. Default 1000 ms. */
  snapshotIntervalMs?: number;
  /** How often a comment line keeps idle connections (and proxies) alive. Default 15 000 ms. */
  heartbeatIntervalMs?: number;
  /** Events per flush; more are counted as dropped (the totals stay right). Default 200. */
  maxEventsPerFlush?: number;
  /** Bytes Node may buffer for one connection before it is dropped. Default 1 MiB. */
  maxBufferedBytes?: number;
}

/**
 * The live side of the dashboard: subscribes to the service's view once, keeps the bounded state
 * pages start from, and fans batched messages out to every open `/events` stream. Its timers run
 * only while a page is connected.
 */
export class DashboardHub {
  private readonly state: DashboardState;
  private readonly connections = new Set<SseConnection>();
  private readonly subscription = new Subscription();
  private timers: Subscription | undefined;
  private pending: WireRecord[] = [];
  private pendingRequests: WireRecord[] = [];
  private dropped = 0;
  private closed = false;
  private readonly limits: Required<Omit<DashboardHubOptions, keyof DashboardStateLimits>>;

  constructor(
    private readonly view: ServiceView,
    options: DashboardHubOptions,
  ) {
    this.state = new DashboardState(options);
    this.limits = {
      scheduler: options.scheduler,
      flushIntervalMs: options.flushIntervalMs ?? 250,
      snapshotIntervalMs: options.snapshotIntervalMs ?? 1000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 15_000,
      maxEventsPerFlush: options.maxEventsPerFlush ?? 200,
      maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
    };
    this.subscription.add(
      view.events$.subscribe((event) => this.queue(this.state.engineEvent(event), this.pending)),
    );
    this.subscription.add(
      view.sidecarEvents$.subscribe((event) =>
        this.queue(this.state.sidecarEvent(event), this.pendingRequests),
      ),
    );
  }

  /** Open `/events` streams. */
  get size(): number {
    return this.connections.size;
  }

  /** Starts a stream on `response`: the whole state first, then live messages. */
  connect(response: ServerResponse): void {
    const connection = new SseConnection(response, this.limits.maxBufferedBytes, (c) =>
      this.disconnect(c),
    );
    this.connections.add(connection);
    connection.send(
      sseMessage('state', {
        ...this.snapshotBody(),
        description: this.view.description,
        events: this.state.recentEvents(),
        requests: this.state.recentRequests(),
      }),
    );
    this.startTimers();
  }

  /** Ends every stream and subscription; later connections are refused by the route. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.subscription.unsubscribe();
    this.stopTimers();
    for (const connection of [...this.connections]) connection.end();
    this.connections.clear();
  }

  private queue(record: WireRecord | undefined, into: WireRecord[]): void {
    if (record === undefined || this.connections.size === 0) return;
    if (this.pending.length + this.pendingRequests.length >= this.limits.maxEventsPerFlush)
      this.dropped++;
    else into.push(record);
  }

  private flush(): void {
    if (this.pending.length === 0 && this.pendingRequests.length === 0 && this.dropped === 0)
      return;
    const message = sseMessage('events', {
      now: this.limits.scheduler.now(),
      events: this.pending,
      requests: this.pendingRequests,
      dropped: this.dropped,
    });
    this.pending = [];
    this.pendingRequests = [];
    this.dropped = 0;
    this.broadcast(message);
  }

  private snapshotBody() {
    return {
      now: this.limits.scheduler.now(),
      keys: this.view.snapshot().map(wireKey),
      readiness: wireReadiness(this.view.readiness()),
      ...this.state.totals(),
    };
  }

  private broadcast(message: string): void {
    for (const connection of this.connections) connection.send(message);
  }

  private startTimers(): void {
    if (this.timers !== undefined) return;
    const { scheduler, flushIntervalMs, snapshotIntervalMs, heartbeatIntervalMs } = this.limits;
    const timers = new Subscription();
    timers.add(interval(flushIntervalMs, scheduler).subscribe(() => this.flush()));
    timers.add(
      interval(snapshotIntervalMs, scheduler).subscribe(() => {
        // Buffered events go first, so a page never sees a snapshot older than an event.
        this.flush();
        this.broadcast(sseMessage('snapshot', this.snapshotBody()));
      }),
    );
    timers.add(
      interval(heartbeatIntervalMs, scheduler).subscribe(() => this.broadcast(': heartbeat\n\n')),
    );
    this.timers = timers;
  }

  private stopTimers(): void {
    this.timers?.unsubscribe();
    this.timers = undefined;
  }

  private disconnect(connection: SseConnection): void {
    this.connections.delete(connection);
    if (this.connections.size > 0) return;
    this.stopTimers();
    this.pending = [];
    this.pendingRequests = [];
    this.dropped = 0;
  }
}
