// Small statistics and formatting helpers shared by the benchmark modules.

/** Nearest-rank percentile of an ascending-sorted array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Summary (µs) of a Float64Array of latencies in nanoseconds. */
export function summarize(latenciesNs) {
  const sorted = Float64Array.from(latenciesNs).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    p50Us: percentile(sorted, 50) / 1e3,
    p99Us: percentile(sorted, 99) / 1e3,
    meanUs: sum / sorted.length / 1e3,
    maxUs: sorted[sorted.length - 1] / 1e3,
  };
}

/** Median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Combines per-round records field by field: `how[field]` (one of 'median', 'max', 'min') or the
 * median for numbers; other fields are taken from the first round.
 */
export function combineRounds(rounds, how = {}) {
  const combined = { rounds: rounds.length };
  for (const field of Object.keys(rounds[0])) {
    const values = rounds.map((r) => r[field]);
    if (typeof values[0] !== 'number') combined[field] = values.find((v) => v !== undefined);
    else if (how[field] === 'max') combined[field] = Math.max(...values);
    else if (how[field] === 'min') combined[field] = Math.min(...values);
    else combined[field] = median(values);
  }
  return combined;
}

/** A number with sensible precision for a table cell. */
export function fmt(value, unit = '') {
  if (value === undefined || value === null || Number.isNaN(value)) return 'n/a';
  let text;
  if (Number.isInteger(value)) text = value.toLocaleString('en-US');
  else if (Math.abs(value) >= 1000) text = Math.round(value).toLocaleString('en-US');
  else if (Math.abs(value) >= 100) text = value.toFixed(0);
  else if (Math.abs(value) >= 10) text = value.toFixed(1);
  else text = value.toFixed(2);
  return unit ? `${text} ${unit}` : text;
}

/** `a / b` formatted as `12.3×`, or n/a when undefined. */
export function ratio(a, b) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return 'n/a';
  return `${fmt(a / b)}×`;
}

/** A Markdown table (also readable in a terminal) with padded columns. */
export function markdownTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
