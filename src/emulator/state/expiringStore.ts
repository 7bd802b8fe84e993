/**
 * A bounded store of expiring records (codes, refresh tokens, assertion ids), swept on writes.
 *
 * @packageDocumentation
 */

/** Records kept after they expire, so "expired" can still be told from "unknown". */
const GRACE_MS = 24 * 3_600_000;
const MAX_ENTRIES = 100_000;
const SWEEP_EVERY_MS = 60_000;

/** A record that expires at `expiresAt` (ms). */
export interface Expiring {
  expiresAt: number;
}

/** Keeps records until a day after they expire (at most 100 000, oldest dropped first). */
export class ExpiringStore<T extends Expiring> {
  private readonly entries = new Map<string, T>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(private readonly now: () => number) {}

  /** Stores `value` under `key`, first dropping long-expired records. */
  set(key: string, value: T): void {
    this.sweep();
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** The record under `key`, expired or not. */
  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  /** Whether `key` is stored. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Removes `key`. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Every record, oldest first. */
  values(): T[] {
    return [...this.entries.values()];
  }

  /** Drops records expired for over a day; at most once a minute (of the injected clock). */
  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    const cutoff = now - GRACE_MS;
    for (const [key, value] of this.entries) {
      if (value.expiresAt < cutoff) this.entries.delete(key);
    }
  }
}
