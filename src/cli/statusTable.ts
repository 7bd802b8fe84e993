import type { KeySnapshot } from '../streams/snapshot.js';

/** Renders key snapshots as a fixed-width table, for the terminal. Holds no token or secret. */
export function renderStatusTable(snapshots: readonly KeySnapshot[], now: number): string {
  const header = [
    'KEY',
    'STATE',
    'EXPIRES IN',
    'NEXT REFRESH',
    'ACQUIRED',
    'CACHE HITS',
    'LAST ERROR',
  ];
  const rows = snapshots.map((s) => [
    `${s.scopes.join(' ')}${s.enableCae ? ' (CAE)' : ''}`,
    s.state,
    s.expiresOnTimestamp === undefined ? '-' : duration(s.expiresOnTimestamp - now),
    s.nextRefreshAt === undefined ? '-' : `in ${duration(s.nextRefreshAt - now)}`,
    String(s.acquisitions),
    String(s.cacheHits),
    s.lastError?.code ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `1m 05s`, `42s`, `expired`. */
export function duration(ms: number): string {
  if (ms <= 0) return 'expired';
  const total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return minutes > 0 ? `${minutes}m ${String(seconds).padStart(2, '0')}s` : `${seconds}s`;
}
