// Workload 10: a fleet of N machines (processes with separate HOME and cache folders, started
// together) on one key, N = 8 and 32, three ways: ours with the Redis layer (`distributedCache`),
// ours without it (each machine on its own), and @azure/identity 4.13.0. On an emulator of its own
// (50 ms latency, short tokens so that refresh windows pass in seconds) and a redis-server of its
// own (loopback, no persistence), both in this process's care.
//   - token requests per key at start (counted at the emulator once every machine has its first
//     token) and per refresh window (the rest, over the windows every machine then runs);
//   - time to first token of each machine (its first getToken, all started at one time);
//   - for the Redis runs, Redis commands per window (INFO commandstats) and bytes per key.
// Each machine is benchmarks/fleetMachine.mjs.
//
//   node benchmarks/fleet.mjs   (after `npm run build`) runs this section alone (its figures go to
//                               a JSON file in the temporary folder); `npm run bench` runs it too,
//                               into benchmarks/results.json under `fleet`.
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { fmt, markdownTable, median, percentile } from './stats.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const SCOPE = 'https://storage.azure.com/.default';
const app = { clientId: 'fleet-client', clientSecret: 'fleet-secret-not-real' };
const MACHINE_TIMEOUT_MS = 180_000;
export const fleetConfig = {
  sizes: (process.env.BENCH_FLEET_SIZES ?? '8,32').split(',').map(Number),
  // Tokens live this long; ours refreshes at half-life, so a refresh window is half of it.
  lifetimeSeconds: Number(process.env.BENCH_FLEET_LIFETIME_S ?? 10),
  windows: Number(process.env.BENCH_FLEET_WINDOWS ?? 3),
  callEveryMs: Number(process.env.BENCH_FLEET_CALL_MS ?? 500),
  latencyMs: Number(process.env.BENCH_FLEET_LATENCY_MS ?? 50),
  // The common start time is this long after the last machine reported ready.
  startLeadMs: 500,
};
const VARIANTS = [
  { name: 'ours + Redis', library: 'ours', redis: true },
  { name: 'ours, no Redis', library: 'ours', redis: false },
  { name: '@azure/identity 4.13.0', library: 'anchor', redis: false },
];
// Commands the benchmark itself sends to Redis, left out of the counts.
const OWN_COMMANDS = new Set([
  'info',
  'config',
  'flushall',
  'memory',
  'keys',
  'strlen',
  'hello',
  'client',
]);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  const binary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find(existsSync);
  if (!binary) throw new Error('redis-server is not installed (Debian package redis-server).');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ri-bench-redis-'));
  const args = ['--port', `${port}`, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn(binary, [...args, '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (/Ready to accept connections/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
  });
  child.stdout.resume();
  const { Redis } = await import('ioredis');
  const client = new Redis(`redis://127.0.0.1:${port}`);
  const stop = async () => {
    client.disconnect();
    child.kill('SIGTERM');
    await new Promise((resolve) =>
      child.exitCode === null ? child.once('exit', resolve) : resolve(),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: `redis://127.0.0.1:${port}`, client, stop };
}

/** Calls per Redis command since the last CONFIG RESETSTAT, the benchmark's own left out. */
async function commandCounts(client) {
  const info = await client.info('commandstats');
  const counts = {};
  for (const [, name, calls] of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm))
    if (!OWN_COMMANDS.has(name.split('|')[0])) counts[name] = Number(calls);
  return counts;
}

async function commandCount(client) {
  return Object.values(await commandCounts(client)).reduce((a, b) => a + b, 0);
}

function startMachine(base, config, onFirst) {
  const home = mkdtempSync(join(tmpdir(), 'ri-bench-machine-'));
  const child = fork(join(here, 'fleetMachine.mjs'), [], {
    env: {
      ...base.env,
      HOME: home,
      XDG_CACHE_HOME: join(home, '.cache'),
      BENCH_FLEET_CONFIG: JSON.stringify({ ...base.config, ...config }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let readyResolve;
  const ready = new Promise((resolve) => (readyResolve = resolve));
  const done = new Promise((resolve, reject) => {
    let outcome;
    const timer = setTimeout(() => child.kill('SIGKILL'), MACHINE_TIMEOUT_MS);
    child.on('message', (m) => {
      if (m.type === 'ready') readyResolve();
      else if (m.type === 'first') onFirst();
      else if (m.type === 'results') outcome = { results: m.body };
      else if (m.type === 'error') outcome = { error: new Error(`fleetMachine.mjs:\n${m.body}`) };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      if (outcome?.results) resolve(outcome.results);
      else reject(outcome?.error ?? new Error(`fleetMachine.mjs exited (${code}, ${signal})`));
    });
  });
  return { child, ready, done };
}

/** One fleet of `n` machines of one variant: requests and commands at start and per window. */
async function runFleetOnce({ em, redis, base }, variant, n) {
  const { windows, lifetimeSeconds, startLeadMs } = fleetConfig;
  const windowMs = (lifetimeSeconds * 1000) / 2;
  if (variant.redis) await Promise.all([redis.client.flushall(), redis.client.config('RESETSTAT')]);
  const config = {
    library: variant.library,
    redisUrl: variant.redis ? redis.url : undefined,
    windowMs,
  };
  const counts = async () => ({
    tokens: em.counters.get('token'),
    commands: variant.redis ? await commandCount(redis.client) : 0,
  });
  // Counted when the last machine has its first token (the others have not refreshed yet).
  let firsts = 0;
  let allFirst;
  const atStart = new Promise((resolve) => (allFirst = resolve));
  const onFirst = () => ++firsts === n && allFirst(counts());
  const machines = Array.from({ length: n }, () => startMachine(base, config, onFirst));
  const finished = Promise.all(machines.map((m) => m.done));
  await Promise.race([Promise.all(machines.map((m) => m.ready)), finished]);
  em.counters.reset();
  const ready = await counts();
  const startAt = Date.now() + startLeadMs;
  for (const { child } of machines) child.send({ type: 'go', startAt });
  const results = await finished;
  const start = await atStart;
  const end = await counts();
  const commands = (c) => c.commands - ready.commands;
  let bytesPerKey;
  let redisCommandsByName;
  if (variant.redis) {
    redisCommandsByName = await commandCounts(redis.client);
    const keys = await redis.client.keys('*:token');
    const sizes = await Promise.all(keys.map((k) => redis.client.strlen(k)));
    const usage = await Promise.all(keys.map((k) => redis.client.memory('USAGE', k)));
    bytesPerKey = { keys: keys.length, valueBytes: median(sizes), memoryUsageBytes: median(usage) };
  }
  const ttft = results.map((r) => r.firstTokenMs).sort((a, b) => a - b);
  const distinct = new Set(results.flatMap((r) => r.tokens.map(([d]) => d)));
  const sources = {};
  for (const r of results) sources[r.source ?? 'none'] = (sources[r.source ?? 'none'] ?? 0) + 1;
  return {
    variant: variant.name,
    machines: n,
    tokenRequestsAtStart: start.tokens,
    tokenRequestsInWindows: end.tokens - start.tokens,
    tokenRequestsPerWindow: (end.tokens - start.tokens) / windows,
    redisCommandsAtStart: variant.redis ? commands(start) : undefined,
    redisCommandsPerWindow: variant.redis ? (commands(end) - commands(start)) / windows : undefined,
    bytesPerKey,
    redisCommandsByName,
    firstTokenMs: {
      median: median(ttft),
      p90: percentile(ttft, 90),
      max: ttft.at(-1),
      min: ttft[0],
    },
    maxLateMs: Math.max(...results.map((r) => r.lateMs)),
    medianImportMs: median(results.map((r) => r.importMs)),
    firstTokenSources: sources,
    distinctTokens: distinct.size,
    calls: results.reduce((a, r) => a + r.calls, 0),
    errors: results.flatMap((r) => r.errors),
    degradedMachines: results.filter((r) => r.degraded > 0).length,
    egress: results.flatMap((r) => r.egress),
  };
}

/** Every size × variant, one after another, on one emulator and one redis-server. */
export async function runFleet({ startEmulator }) {
  const em = await startEmulator({
    apps: [app],
    latencyMs: fleetConfig.latencyMs,
    tokenLifetimeSeconds: fleetConfig.lifetimeSeconds,
  });
  const redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), 'ri-bench-fleet-'));
  const caFile = join(dir, 'emulator-ca.pem');
  writeFileSync(caFile, em.ca);
  const env = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(AZURE_|MSI_|IDENTITY_|IMDS_|BENCH_|REACTIVE_IDENTITY_)/.test(name)) env[name] = value;
  env.NODE_EXTRA_CA_CERTS = caFile;
  const base = {
    env,
    config: {
      authorityHost: em.url,
      tenantId: em.tenantId,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      caFile,
      scope: SCOPE,
      key: randomBytes(32).toString('base64'),
      windows: fleetConfig.windows,
      callEveryMs: fleetConfig.callEveryMs,
    },
  };
  const runs = [];
  try {
    for (const n of fleetConfig.sizes)
      for (const variant of VARIANTS)
        runs.push(await runFleetOnce({ em, redis, base }, variant, n));
  } finally {
    await redis.stop();
    await em.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { config: fleetConfig, runs, egress: runs.flatMap((r) => r.egress) };
}

/** The section's own table: one row per size and variant. */
export function fleetTable(fleet) {
  const header = [
    'machines',
    'variant',
    'token requests at start',
    'per refresh window',
    'time to 1st token p50 / max',
    'import p50',
    'Redis commands per window',
  ];
  const rows = fleet.runs.map((r) => [
    r.machines,
    r.variant,
    r.tokenRequestsAtStart,
    fmt(r.tokenRequestsPerWindow),
    `${fmt(r.firstTokenMs.median, 'ms')} / ${fmt(r.firstTokenMs.max, 'ms')}`,
    fmt(r.medianImportMs, 'ms'),
    r.redisCommandsPerWindow === undefined ? '–' : fmt(r.redisCommandsPerWindow),
  ]);
  return markdownTable(header, rows);
}

export function fleetNotes(fleet) {
  const c = fleet.config;
  const redisRuns = fleet.runs.filter((r) => r.bytesPerKey);
  const bytes = redisRuns.map((r) => r.bytesPerKey.valueBytes);
  const memory = redisRuns.map((r) => r.bytesPerKey.memoryUsageBytes);
  return (
    `workload 10: ${c.lifetimeSeconds} s tokens (a refresh window is ${c.lifetimeSeconds / 2} s), ` +
    `${c.windows} windows, ${c.latencyMs} ms emulator latency; ours calls getToken every ` +
    `${c.callEveryMs} ms, the anchor once per window. Redis: ${fmt(median(bytes))} bytes per ` +
    `value, ${fmt(median(memory))} bytes per key (MEMORY USAGE).`
  );
}

export function fleetProblems(fleet) {
  const problems = [];
  for (const r of fleet.runs) {
    const label = `${r.machines} × ${r.variant}`;
    if (r.errors.length > 0)
      problems.push(`${label}: ${r.errors.length} failed calls (${r.errors[0]})`);
    if (r.variant === 'ours + Redis' && r.degradedMachines > 0)
      problems.push(`${label}: ${r.degradedMachines} machines saw Redis degraded`);
  }
  if (fleet.egress.length > 0)
    problems.push(`non-loopback sockets: ${JSON.stringify(fleet.egress)}`);
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { startEmulator } = await import('../dist/esm/emulator/index.js');
  const started = Date.now();
  const fleet = await runFleet({ startEmulator });
  const file = join(tmpdir(), `reactive-identity-fleet-${Date.now()}.json`);
  const out = { date: new Date().toISOString(), durationMs: Date.now() - started, ...fleet };
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(fleetTable(fleet));
  console.log(fleetNotes(fleet));
  console.log(`results: ${file}`);
  const problems = fleetProblems(fleet);
  if (problems.length > 0) {
    console.error(`Fleet workload problems:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  }
}
