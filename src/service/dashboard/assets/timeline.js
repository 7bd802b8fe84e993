/* global window */
// The timeline: acquisitions, refreshes, retries and errors per 5-second bucket over the last five
// minutes, drawn with uPlot (loaded by index.html as the global `uPlot`) as stacked bars.

export const WINDOW_MS = 5 * 60_000;
export const BUCKET_MS = 5_000;

/** The timeline's kinds, in drawing order, with their colours. */
export const KINDS = [
  { kind: 'acquisition', label: 'acquisitions', color: '#2b6cb0' },
  { kind: 'refresh', label: 'refreshes', color: '#1f8a4c' },
  { kind: 'retry', label: 'retries', color: '#b7791f' },
  { kind: 'error', label: 'errors', color: '#c53030' },
];

/** Which kind of the timeline an event counts as, if any. */
export function kindOf(event) {
  switch (event.type) {
    case 'acquisition-succeeded':
      return event.reason === 'proactive' ? 'refresh' : 'acquisition';
    case 'retry-scheduled':
      return 'retry';
    case 'acquisition-failed':
    case 'token-expired':
    case 'cache-degraded':
      return 'error';
    default:
      return undefined;
  }
}

/**
 * Counts per bucket, the last one holding `now`: `[xs, ...one array per kind]`, where each x is
 * its bucket's middle in unix seconds.
 */
export function bucketize(events, now) {
  const buckets = WINDOW_MS / BUCKET_MS;
  const start = Math.floor(now / BUCKET_MS) * BUCKET_MS - (buckets - 1) * BUCKET_MS;
  const xs = Array.from({ length: buckets }, (_, i) => (start + (i + 0.5) * BUCKET_MS) / 1000);
  const series = KINDS.map(() => new Array(buckets).fill(0));
  for (const event of events) {
    const kind = kindOf(event);
    const index = Math.floor((event.at - start) / BUCKET_MS);
    if (kind === undefined || index < 0 || index >= buckets) continue;
    series[KINDS.findIndex((k) => k.kind === kind)][index]++;
  }
  return [xs, ...series];
}

/** The uPlot chart in `container`, redrawn from the events. */
export class Timeline {
  constructor(container) {
    this.container = container;
    this.plot = undefined;
  }

  update(events, now) {
    const [xs, ...counts] = bucketize(events, now);
    const total = counts.reduce((sum, s) => sum + s.reduce((a, b) => a + b, 0), 0);
    this.container.setAttribute('data-points', String(total));
    const uPlot = window.uPlot;
    if (uPlot === undefined) return;
    // Series k is drawn as the sum of kinds k and after: each later (shorter) bar covers the
    // bottom of the one before, which leaves every kind its own coloured segment.
    // Empty buckets are gaps (null), not zero-height bars.
    const stacked = counts.map((_, k) =>
      xs.map((_x, i) => counts.slice(k).reduce((n, s) => n + s[i], 0) || null),
    );
    const data = [xs, ...stacked];
    if (this.plot === undefined) {
      this.plot = new uPlot(this.options(uPlot), data, this.container);
      window.addEventListener('resize', () => this.plot.setSize(this.size()));
    } else {
      this.plot.setData(data);
    }
  }

  size() {
    return { width: Math.max(320, this.container.clientWidth), height: 200 };
  }

  options(uPlot) {
    const bars = uPlot.paths.bars({ size: [0.7, 24], align: 0 });
    const half = BUCKET_MS / 2000;
    return {
      ...this.size(),
      scales: {
        // Half a bucket either side, so the first and the current bucket's bars show whole.
        x: { time: true, range: (_u, min, max) => [min - half, max + half] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      },
      axes: [{}, { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }],
      legend: { show: false },
      cursor: { show: false },
      series: [
        {},
        ...KINDS.map(({ label, color }) => ({
          label,
          stroke: color,
          fill: color,
          width: 1,
          paths: bars,
          points: { show: false },
        })),
      ],
    };
  }
}
