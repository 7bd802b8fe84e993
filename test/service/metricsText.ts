/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests: every line must be
 * a `# HELP`, `# TYPE` or `# UNIT` line or a sample of a family declared by `# TYPE` before it;
 * names, labels, escapes and values must be well-formed; no series may repeat; a histogram's
 * buckets must be cumulative and end with `le="+Inf"` equal to its `_count`. It throws on the
 * first violation, naming the line.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  unit?: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|[+-]Inf|NaN)$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Parses `text` into families by name; throws on anything the format does not allow. */
export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, index) => {
    const fail = (why: string): never => {
      throw new Error(`line ${index + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line.trim() === '') return;
    if (line.startsWith('#')) return comment(line, families, fail);
    const sample = parseSample(line, fail);
    const family = familyOf(sample.name, families) ?? fail('a sample of no declared family');
    const id = `${sample.name}{${Object.entries(sample.labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (seen.has(id)) fail('a repeated series');
    seen.add(id);
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function comment(line: string, families: Map<string, Family>, fail: (why: string) => never): void {
  const match = /^# (HELP|TYPE|UNIT) (\S+)(?: (.*))?$/.exec(line);
  if (match === null) return fail('a comment that is not HELP, TYPE or UNIT');
  const [, kind, name, rest = ''] = match as unknown as [string, string, string, string?];
  if (!METRIC_NAME.test(name)) fail('a bad metric name');
  if (kind === 'TYPE') {
    if (!TYPES.has(rest)) fail('an unknown type');
    const existing = families.get(name);
    if (existing?.samples.length) fail('a TYPE after samples');
    families.set(name, { ...existing, name, type: rest as Family['type'], samples: [] });
    return;
  }
  const family = families.get(name) ?? { name, type: 'untyped' as const, samples: [] };
  if (kind === 'HELP') family.help = unescape(rest, false, fail);
  else family.unit = rest;
  families.set(name, family);
}

function parseSample(line: string, fail: (why: string) => never): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line) ?? fail('no metric name');
  const name = nameMatch[0];
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const label = /^([^=]+)="/.exec(rest) ?? fail('a malformed label');
      const labelName = label[1]!;
      if (!LABEL_NAME.test(labelName)) fail(`a bad label name ${labelName}`);
      if (labelName in labels) fail(`a repeated label ${labelName}`);
      rest = rest.slice(label[0].length);
      let end = 0;
      while (end < rest.length && rest[end] !== '"') end += rest[end] === '\\' ? 2 : 1;
      if (end >= rest.length) fail('an unterminated label value');
      labels[labelName] = unescape(rest.slice(0, end), true, fail);
      rest = rest.slice(end + 1);
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) fail('labels not separated by commas');
    }
    rest = rest.slice(1);
  }
  const fields = /^ (\S+)(?: (-?\d+))?$/.exec(rest) ?? fail('no value after the name');
  const raw = fields[1]!;
  if (!VALUE.test(raw)) fail(`a malformed value ${raw}`);
  const value = raw.endsWith('Inf') ? (raw.startsWith('-') ? -Infinity : Infinity) : Number(raw);
  return { name, labels, value };
}

function unescape(text: string, quoted: boolean, fail: (why: string) => never): string {
  return text.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === '"' && quoted) return '"';
    return fail(`a bad escape \\${c}`);
  });
}

function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(sampleName);
  if (direct !== undefined && direct.type !== 'histogram' && direct.type !== 'summary')
    return direct;
  const base = /^(.*)_(bucket|sum|count)$/.exec(sampleName)?.[1];
  const family = base === undefined ? undefined : families.get(base);
  return family?.type === 'histogram' || family?.type === 'summary' ? family : undefined;
}

function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const id = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(id) ?? { buckets: [] };
    if (sample.name === `${family.name}_bucket`) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      entry.buckets.push([le === '+Inf' ? Infinity : Number(le), sample.value]);
    } else if (sample.name === `${family.name}_count`) entry.count = sample.value;
    series.set(id, entry);
  }
  for (const [id, { buckets, count }] of series) {
    const last = buckets.at(-1);
    if (last === undefined || last[0] !== Infinity || last[1] !== count)
      throw new Error(`${family.name}${id}: the +Inf bucket is missing or differs from _count`);
    buckets.reduce(
      (previous, [bound, value]) => {
        if (bound <= previous[0] || value < previous[1])
          throw new Error(`${family.name}${id}: buckets are not cumulative at le=${bound}`);
        return [bound, value];
      },
      [-Infinity, 0] as [number, number],
    );
  }
}

/** The samples of `name` whose labels include `labels`. */
export function samplesOf(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): Sample[] {
  const family = familyOf(name, families);
  if (family === undefined) throw new Error(`no family for ${name}`);
  return family.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}
