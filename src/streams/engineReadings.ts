import type { LifetimeReading, LookupReading } from '../telemetry/metrics.js';
import type { KeyStream } from './key/keyStream.js';

/**
 * What the observable metrics read at collection time: cache lookups per credential, layer and
 * hit (kept across streams that have been retired, so the counter never goes back), and the
 * remaining lifetime of each live key's token.
 */
export class EngineReadings {
  private readonly retired = new Map<string, LookupReading>();

  /** Folds a stream's counts into the totals when the stream goes away. */
  retire(stream: KeyStream): void {
    for (const reading of readingsOf(stream)) add(this.retired, reading);
  }

  lookups(live: Iterable<KeyStream>): LookupReading[] {
    const totals = new Map<string, LookupReading>();
    this.retired.forEach((reading) => add(totals, reading));
    for (const stream of live) for (const reading of readingsOf(stream)) add(totals, reading);
    return [...totals.values()].filter((r) => r.count > 0);
  }

  lifetimes(live: Iterable<KeyStream>, now: number): LifetimeReading[] {
    const readings: LifetimeReading[] = [];
    for (const s of live) {
      if (s.current === undefined) continue;
      const remainingMs = Math.max(0, s.current.expiresOnTimestamp - now);
      readings.push({ key: s.key.label, credential: s.key.credential, remainingMs });
    }
    return readings;
  }
}

function readingsOf(stream: KeyStream): LookupReading[] {
  const credential = stream.key.credential;
  const hits = [...stream.stats.hitsByLayer].map(([layer, count]) => ({
    credential,
    layer,
    hit: true,
    count,
  }));
  return [...hits, { credential, layer: 'all', hit: false, count: stream.stats.cacheMisses }];
}

function add(totals: Map<string, LookupReading>, reading: LookupReading): void {
  if (reading.count === 0) return;
  const id = `${reading.credential}|${reading.layer}|${reading.hit}`;
  const entry = totals.get(id) ?? { ...reading, count: 0 };
  entry.count += reading.count;
  totals.set(id, entry);
}
