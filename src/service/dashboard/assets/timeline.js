/* global window */
// The timeline: acquisitions, refreshes, retries and errors per 5-second bucket over the last five
// minutes, drawn with uPlot (loaded by index.html as the global `uPlot`).

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

/** Counts per bucket ending at `now`: `[xs (unix seconds), ...one array per kind]`. */
export function bucketize(events, now) {
  const buckets = WINDOW_MS / BUCKET_MS;
  const start = Math.floor(now / BUCKET_MS) * BUCKET_MS - (buckets - 1) * BUCKET_MS;
  const xs = Array.from({ length: buckets }, (_, i) => (start + i * BUCKET_MS) / 1000);
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
    const data = bucketize(events, now);
    const total = data.slice(1).reduce((sum, s) => sum + s.reduce((a, b) => a + b, 0), 0);
    this.container.setAttribute('data-points', String(total));
    const uPlot = window.uPlot;
    if (uPlot === undefined) return;
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
    const steps = uPlot.paths.stepped({ align: 1 });
    return {
      ...this.size(),
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{}, { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }],
      cursor: { drag: { x: false, y: false } },
      series: [
        {},
        ...KINDS.map(({ label, color }) => ({
          label,
          stroke: color,
          fill: `${color}33`,
          width: 2,
          paths: steps,
          points: { show: false },
        })),
      ],
    };
  }
}
