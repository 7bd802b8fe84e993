import type { SchedulerLike, Subscription } from 'rxjs';

/** What the health tracker tells the layer's owner. */
export interface HealthHandlers {
  /** The layer stopped being used: once per spell, with the operation and why. */
  onDegraded(operation: string, message: string): void;
  /** The layer is used again after `degradedMs`. */
  onRecovered(degradedMs: number): void;
}

/** How often a degraded layer whose connection is up checks whether Redis answers again. */
export const REDIS_PROBE_INTERVAL_MS = 1_000;

/**
 * Whether the Redis layer is used. The first failure (an error, a timeout, a lost connection)
 * degrades it: from then on every operation is a miss without a round trip, so a slow or absent
 * Redis costs an acquisition nothing. While degraded it probes (a short-lived write) every
 * {@link REDIS_PROBE_INTERVAL_MS} and at once when the connection comes back; the first answer
 * within the timeout ends the spell.
 */
export class RedisHealth {
  private degradedSince: number | undefined;
  private pastDegradedMs = 0;
  private probing: Subscription | undefined;
  private probeInFlight = false;
  private closed = false;

  constructor(
    private readonly now: () => number,
    private readonly scheduler: SchedulerLike,
    /** Resolves to whether Redis answered in time (false when the connection is down). */
    private readonly ping: () => Promise<boolean>,
    private readonly handlers: HealthHandlers,
  ) {}

  /** Whether operations go to Redis. */
  get healthy(): boolean {
    return this.degradedSince === undefined;
  }

  /** Time spent degraded so far, the current spell included. */
  degradedMs(): number {
    const current = this.degradedSince === undefined ? 0 : this.now() - this.degradedSince;
    return this.pastDegradedMs + current;
  }

  /** An operation failed: degrade, once per spell, and start probing. */
  failed(operation: string, message: string): void {
    if (this.closed || this.degradedSince !== undefined) return;
    this.degradedSince = this.now();
    this.handlers.onDegraded(operation, message);
    this.schedule();
  }

  /** The connection is (back) up: probe at once instead of at the next interval. */
  connectionReady(): void {
    if (this.degradedSince !== undefined) void this.probe();
  }

  close(): void {
    this.closed = true;
    this.probing?.unsubscribe();
  }

  private schedule(): void {
    this.probing?.unsubscribe();
    this.probing = this.scheduler.schedule(() => void this.probe(), REDIS_PROBE_INTERVAL_MS);
  }

  private async probe(): Promise<void> {
    if (this.closed || this.probeInFlight || this.degradedSince === undefined) return;
    this.probeInFlight = true;
    const answered = await this.ping().catch(() => false);
    this.probeInFlight = false;
    if (this.closed || this.degradedSince === undefined) return;
    if (!answered) return this.schedule();
    const spell = this.now() - this.degradedSince;
    this.pastDegradedMs += spell;
    this.degradedSince = undefined;
    this.probing?.unsubscribe();
    this.handlers.onRecovered(spell);
  }
}
