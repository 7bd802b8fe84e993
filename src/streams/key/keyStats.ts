import type { KeyState } from '../../telemetry/events.js';

/**
 * What is known about one key besides its token: its state and counts, for snapshots, metrics and
 * dashboards. The key's stream writes it; everything else only reads it.
 */
export class KeyStats {
  state: KeyState = 'idle';
  nextRefreshAt: number | undefined;
  acquisitions = 0;
  cacheHits = 0;
  cacheMisses = 0;
  failures = 0;
  subscribers = 0;
  lastError: unknown;
  lastUsedAt: number;
  /** Answers from the stream's current token: the `getToken` fast path, a plain counter. */
  streamHits = 0;
  /** Hits per cache layer below the stream (memory, disk...). */
  private readonly layerHits = new Map<string, number>();

  constructor(now: number) {
    this.lastUsedAt = now;
  }

  /** A token taken from a cache layer. */
  layerHit(layer: string): void {
    this.cacheHits++;
    this.layerHits.set(layer, (this.layerHits.get(layer) ?? 0) + 1);
  }

  /** Hits per layer, for the lookups metric; `stream` counts answers from the current token. */
  get hitsByLayer(): ReadonlyMap<string, number> {
    const hits = new Map(this.layerHits);
    if (this.streamHits > 0) hits.set('stream', this.streamHits);
    return hits;
  }
}
