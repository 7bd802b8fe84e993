// `npm run bench`: reactive-identity against @azure/identity 4.13.0 on a loopback emulator.
//
// This process runs the emulator (HTTPS on 127.0.0.1, 50 ms latency on every response) and owns
// its counters; benchmarks/workloads.mjs runs both libraries in one child process that trusts the
// emulator's CA (tlsOptions, and NODE_EXTRA_CA_CERTS for any client that ignores them). Results
// are printed as a table and written to benchmarks/results.json.
//
// Workload 4 (DefaultAzureCredential on the Azure CLI path) runs after that, one child process
// per round and library (benchmarks/dac.mjs): ours round by round, then the anchor's rounds side
// by side, because each of its getToken calls waits out managed identity's retries (~20 s).
//
// Workloads 5 and 6 (the persistent cache across processes: a disk hit in a new process, and 8
// processes starting together on one key) run between the two, while the emulator is still up
// (benchmarks/persistence.mjs).
//
// Workload 7 (the token contract on real time: 20 s and 120 s tokens, with and without 30 % 503s,
// getToken every 20 ms for 60 s, both libraries and all scenarios at once) runs after the
// emulator has stopped, on emulators of its own (benchmarks/longRun.mjs).
//
// Workload 8 (start-up: import + construct + 1st getToken in fresh processes, both libraries
// alternating) runs right after the emulator has stopped, on an emulator of its own without added
// latency (benchmarks/startup.mjs).
//
// Workload 9 (the token sidecar: the `reactive-identity serve` binary in a process of its own,
// beside 16 client processes asking the emulator's App Service managed identity endpoint directly)
// runs after start-up, on an emulator of its own without added latency (benchmarks/sidecar.mjs).
// It has a table of its own: its columns are "direct" and "via the sidecar", not the two libraries.
//
// Workload 10 (a fleet: 8 and 32 processes with separate caches on one key, with and without the
// Redis layer, beside the anchor: token requests at start and per refresh window, time to first
// token) runs after the sidecar, on an emulator and a redis-server of its own
// (benchmarks/fleet.mjs). It has a table of its own too: one row per fleet size and variant.
//
// BENCH_SKIP (comma-separated: cached, persistence, startup, sidecar, fleet, longrun, dac) leaves sections
// out; by default all run.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../dist/esm/emulator/index.js';
import { longRunNotes, longRunProblems, longRunRows, runLongRun } from './longRun.mjs';
import { persistenceProblems, persistenceRows, runPersistence } from './persistence.mjs';
import { runStartup, startupNotes, startupProblems, startupRows } from './startup.mjs';
import { runSidecar, sidecarNotes, sidecarProblems, sidecarTable } from './sidecar.mjs';
import { fmt, markdownTable, median, ratio } from './stats.mjs';
import { fleetNotes, fleetProblems, fleetTable, runFleet } from './fleet.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const LATENCY_MS = 50;
const CHILD_TIMEOUT_MS = 110_000;
const app = { clientId: 'bench-client', clientSecret: 'bench-secret-not-real' };
const DAC_ROUNDS = Number(process.env.BENCH_DAC_ROUNDS ?? 5);
const DAC_BOUND_MS = Number(process.env.BENCH_DAC_BOUND_MS ?? 60_000);
const DAC_ANCHOR_PARALLEL = Number(process.env.BENCH_DAC_ANCHOR_PARALLEL ?? DAC_ROUNDS);
// Three calls, each bounded by dac.mjs itself; this only catches a child that hangs anyway.
const DAC_ROUND_TIMEOUT_MS = 3 * DAC_BOUND_MS + 30_000;
const DAC_CALLS = ['first', 'second', 'otherScope'];
const SECTIONS = ['cached', 'persistence', 'startup', 'sidecar', 'fleet', 'longrun', 'dac'];
const SKIP = new Set(
  (process.env.BENCH_SKIP ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
for (const name of SKIP) {
  if (!SECTIONS.includes(name)) throw new Error(`BENCH_SKIP: unknown section ${name}`);
}

function version(pkgJson) {
  try {
    return JSON.parse(readFileSync(new URL(pkgJson, import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function runChild(em, caFile) {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'workloads.mjs'), [], {
      execArgv: ['--expose-gc'],
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: caFile,
        BENCH_AUTHORITY: em.url,
        BENCH_TENANT: em.tenantId,
        BENCH_CLIENT_ID: app.clientId,
        BENCH_CLIENT_SECRET: app.clientSecret,
        BENCH_CA_FILE: caFile,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let outcome;
    const timer = setTimeout(() => {
      outcome ??= { error: new Error(`workloads did not finish in ${CHILD_TIMEOUT_MS} ms`) };
      if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, CHILD_TIMEOUT_MS);
    child.on('message', (message) => {
      if (message.type === 'reset') {
        em.counters.reset();
        child.send({ id: message.id, body: true });
      } else if (message.type === 'counters') {
        const get = (route) => em.counters.get(route);
        const body = {
          token: get('token'),
          discovery: get('discovery'),
          openid: get('openid'),
          total: em.counters.total(),
        };
        child.send({ id: message.id, body });
      } else if (message.type === 'results') {
        outcome ??= { results: message.body };
      } else if (message.type === 'error') {
        outcome ??= { error: new Error(`workloads failed:\n${message.body}`) };
      }
    });
    child.on('error', (error) => (outcome ??= { error }));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (outcome?.results) resolve(outcome.results);
      else reject(outcome?.error ?? new Error(`workloads exited (code ${code}, signal ${signal})`));
    });
  });
}

// ---- Workload 4: DefaultAzureCredential, Azure CLI path. ----

/** This environment without anything that could make a deployed link (or a real tool) answer. */
function cleanEnv() {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(AZURE_|MSI_|IDENTITY_|IMDS_|BENCH_|REACTIVE_IDENTITY_)/.test(name)) continue;
    if (name === 'DEFAULT_IDENTITY_CLIENT_ID' || name === 'NODE_EXTRA_CA_CERTS') continue;
    env[name] = value;
  }
  return env;
}

function dacEnv(library) {
  return {
    ...cleanEnv(),
    BENCH_DAC_LIBRARY: library,
    BENCH_DAC_BOUND_MS: String(DAC_BOUND_MS),
  };
}

function runDacRound(library, round) {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'dac.mjs'), [], {
      execArgv: ['--expose-gc'],
      env: dacEnv(library),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let outcome;
    const timer = setTimeout(() => {
      outcome ??= { results: { library, killed: true, calls: {} } };
      if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, DAC_ROUND_TIMEOUT_MS);
    child.on('message', (message) => {
      if (message.type === 'results') outcome ??= { results: message.body };
      else if (message.type === 'error') {
        outcome ??= { error: new Error(`dac.mjs (${library}) failed:\n${message.body}`) };
      }
    });
    child.on('error', (error) => (outcome ??= { error }));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (outcome?.results) resolve({ round, ...outcome.results });
      else reject(outcome?.error ?? new Error(`dac.mjs exited (code ${code}, signal ${signal})`));
    });
  });
}

/** Runs `count` tasks, at most `limit` at a time; results in task order. */
async function pool(count, limit, task) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker));
  return results;
}

async function runDac() {
  const ours = [];
  for (let round = 0; round < DAC_ROUNDS; round++) ours.push(await runDacRound('ours', round));
  const anchor = await pool(DAC_ROUNDS, DAC_ANCHOR_PARALLEL, (round) =>
    runDacRound('anchor', round),
  );
  return { ours, anchor };
}

/**
 * Per library: median time of each call over the rounds (a call that hit the bound, or never
 * ran because an earlier one did, counts as +Infinity, which JSON writes as null), the az runs and
 * managed identity connections of each call (max over rounds) and per round (min and max).
 */
function combineDac(rounds) {
  const ms = (r, name) => r.calls?.[name]?.ms ?? Infinity;
  const calls = {};
  for (const name of DAC_CALLS) {
    const medianOf = (list, pick) => {
      const values = list.map((r) => r.calls?.[name] && pick(r.calls[name]));
      const present = values.filter((v) => typeof v === 'number');
      return present.length > 0 ? median(present) : undefined;
    };
    const values = rounds.map((r) => ms(r, name));
    const count = (field) => Math.max(...rounds.map((r) => r.calls?.[name]?.[field] ?? 0));
    calls[name] = {
      scope: rounds.find((r) => r.calls?.[name])?.calls[name].scope,
      medianMs: median(values),
      minMs: Math.min(...values),
      maxMs: Math.max(...values),
      azSpawns: count('azSpawns'),
      miConnections: count('miConnections'),
      timedOutRounds: values.filter((v) => !Number.isFinite(v)).length,
      // Where the time went (medians over the rounds where it happened): the last managed
      // identity connection, the first line of the fake az script, and the result after it.
      lastMiConnectionAtMs: medianOf(rounds, (c) => c.miConnectedAtMs?.at(-1)),
      azScriptStartedAtMs: medianOf(rounds, (c) => c.azScriptStartedAtMs?.[0]),
      azScriptToResultMs: medianOf(rounds, (c) =>
        c.azScriptStartedAtMs?.length && c.ms !== null
          ? c.ms - c.azScriptStartedAtMs[0]
          : undefined,
      ),
    };
  }
  const perRound = (field) =>
    rounds.map((r) => DAC_CALLS.map((name) => r.calls?.[name]?.[field] ?? 0));
  const range = (field) => {
    const totals = perRound(field).map((parts) => parts.reduce((a, b) => a + b, 0));
    const shapes = new Set(perRound(field).map((parts) => parts.join(' + ')));
    return {
      min: Math.min(...totals),
      max: Math.max(...totals),
      breakdown: shapes.size === 1 ? [...shapes][0] : undefined,
    };
  };
  return {
    rounds: rounds.length,
    constructMs: median(rounds.map((r) => r.constructMs ?? Infinity)),
    calls,
    azSpawnsPerRound: range('azSpawns'),
    miConnectionsPerRound: range('miConnections'),
    selectedCredential: rounds[0]?.selectedCredential,
    otherToolsOnPath: [...new Set(rounds.flatMap((r) => r.otherToolsOnPath ?? []))],
    errors: rounds.flatMap((r) =>
      Object.entries(r.calls ?? {})
        .filter(([, c]) => c.error)
        .map(([name, c]) => `round ${r.round} ${name}: ${c.error}`),
    ),
    tokensNotFromFakeAz: rounds.reduce(
      (n, r) => n + Object.values(r.calls ?? {}).filter((c) => c.tokenFromFakeAz === false).length,
      0,
    ),
    killedRounds: rounds.filter((r) => r.killed).length,
  };
}

/** Milliseconds for a table cell: µs under 1 ms, s from 10 s, "> bound" past the bound. */
function fmtMs(value) {
  if (!Number.isFinite(value)) return `> ${fmt(DAC_BOUND_MS / 1000)} s`;
  if (value < 1) return fmt(value * 1000, 'µs');
  if (value >= 10_000) return fmt(value / 1000, 's');
  return fmt(value, 'ms');
}

/** anchor ÷ ours for times; a lower bound when the anchor hit its bound. */
function ratioMs(anchorMs, oursMs) {
  if (!Number.isFinite(anchorMs) && Number.isFinite(oursMs) && oursMs > 0) {
    return `> ${fmt(DAC_BOUND_MS / oursMs)}×`;
  }
  return ratio(anchorMs, oursMs);
}

function fmtCount({ min, max, breakdown }) {
  const total = min === max ? fmt(max) : `${fmt(min)}–${fmt(max)}`;
  return breakdown ? `${total} (${breakdown})` : `${total} (varied)`;
}

function dacRows(dac) {
  const { ours, anchor } = dac;
  const R = ours.rounds;
  const call = (name, label) => [
    label,
    fmtMs(anchor.calls[name].medianMs),
    fmtMs(ours.calls[name].medianMs),
    ratioMs(anchor.calls[name].medianMs, ours.calls[name].medianMs),
  ];
  return [
    [
      `4. DefaultAzureCredential, az (median of ${R} rounds): construct`,
      fmtMs(anchor.constructMs),
      fmtMs(ours.constructMs),
      ratioMs(anchor.constructMs, ours.constructMs),
    ],
    call('first', '4. DAC, az: 1st getToken (management)'),
    call('second', '4. DAC, az: 2nd getToken (management again)'),
    call('otherScope', '4. DAC, az: 3rd getToken (vault, new scope)'),
    [
      '4. DAC, az: az runs per round (1st + 2nd + 3rd)',
      fmtCount(anchor.azSpawnsPerRound),
      fmtCount(ours.azSpawnsPerRound),
      ratio(anchor.azSpawnsPerRound.max, ours.azSpawnsPerRound.max),
    ],
    [
      '4. DAC, az: managed identity connections per round',
      fmtCount(anchor.miConnectionsPerRound),
      fmtCount(ours.miConnectionsPerRound),
      ratio(anchor.miConnectionsPerRound.max, ours.miConnectionsPerRound.max),
    ],
  ];
}

function cachedRows(run) {
  const { ours, anchor } = run.results;
  const seqO = ours.sequential;
  const seqA = anchor.sequential;
  const conO = ours.concurrent;
  const conA = anchor.concurrent;
  const herdO = ours.coldHerd;
  const herdA = anchor.coldHerd;
  const R = seqO.rounds;
  const HR = herdO.rounds;
  const N = seqO.calls;
  const C = conO.callers;
  const M = conO.calls / conO.callers;
  const H = herdO.callers;
  const rows = [
    [
      `1. cached, sequential (N=${N}, median of ${R} rounds): p50`,
      fmt(seqA.p50Us, 'µs'),
      fmt(seqO.p50Us, 'µs'),
      ratio(seqA.p50Us, seqO.p50Us),
    ],
    [
      '1. cached, sequential: p99',
      fmt(seqA.p99Us, 'µs'),
      fmt(seqO.p99Us, 'µs'),
      ratio(seqA.p99Us, seqO.p99Us),
    ],
    [
      '1. cached, sequential: mean',
      fmt(seqA.meanUs, 'µs'),
      fmt(seqO.meanUs, 'µs'),
      ratio(seqA.meanUs, seqO.meanUs),
    ],
    [
      '1. cached, sequential: throughput',
      fmt(seqA.opsPerSec, 'ops/s'),
      fmt(seqO.opsPerSec, 'ops/s'),
      ratio(seqO.opsPerSec, seqA.opsPerSec),
    ],
    [
      `2. cached, ${C} callers × ${M}: throughput`,
      fmt(conA.opsPerSec, 'ops/s'),
      fmt(conO.opsPerSec, 'ops/s'),
      ratio(conO.opsPerSec, conA.opsPerSec),
    ],
    [
      `2. cached, ${C} callers: mean latency`,
      fmt(conA.meanUs, 'µs'),
      fmt(conO.meanUs, 'µs'),
      ratio(conA.meanUs, conO.meanUs),
    ],
    [
      `3. cold herd (${H} callers, ${LATENCY_MS} ms, worst of ${HR}): token requests`,
      fmt(herdA.tokenRequests),
      fmt(herdO.tokenRequests),
      ratio(herdA.tokenRequests, herdO.tokenRequests),
    ],
    [
      '3. cold herd: discovery + openid requests',
      `${herdA.metadataRequests} (${herdA.discoveryRequests} + ${herdA.openidRequests})`,
      `${herdO.metadataRequests} (${herdO.discoveryRequests} + ${herdO.openidRequests})`,
      herdO.metadataRequests === 0 ? '—' : ratio(herdA.metadataRequests, herdO.metadataRequests),
    ],
    [
      '3. cold herd: wall time (median)',
      fmt(herdA.wallMs, 'ms'),
      fmt(herdO.wallMs, 'ms'),
      ratio(herdA.wallMs, herdO.wallMs),
    ],
    [
      '3. cold herd: succeeded / distinct tokens',
      `${herdA.succeeded} / ${herdA.distinctTokens}`,
      `${herdO.succeeded} / ${herdO.distinctTokens}`,
      '',
    ],
  ];
  return rows;
}

function report(run, dac, persistence, longRun, startup) {
  const rows = [
    ...(run ? cachedRows(run) : []),
    ...(dac ? dacRows(dac) : []),
    ...(persistence ? persistenceRows(persistence) : []),
    ...(longRun ? longRunRows(longRun) : []),
    ...(startup ? startupRows(startup) : []),
  ];
  const header = ['workload / figure', '@azure/identity 4.13.0', 'reactive-identity', 'ratio'];
  return markdownTable(header, rows);
}

async function main() {
  const started = Date.now();
  const em = await startEmulator({ apps: [app], latencyMs: LATENCY_MS });
  const dir = mkdtempSync(join(tmpdir(), 'reactive-identity-bench-'));
  const caFile = join(dir, 'emulator-ca.pem');
  writeFileSync(caFile, em.ca);
  let run;
  let persistence;
  try {
    if (!SKIP.has('cached')) run = await runChild(em, caFile);
    if (!SKIP.has('persistence')) {
      const env = { ...cleanEnv(), NODE_EXTRA_CA_CERTS: caFile };
      persistence = await runPersistence({ em, caFile, app, env });
    }
  } finally {
    await em.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  let startup;
  if (!SKIP.has('startup')) startup = await runStartup({ startEmulator });
  let sidecar;
  if (!SKIP.has('sidecar')) sidecar = await runSidecar({ startEmulator });
  let fleet;
  if (!SKIP.has('fleet')) fleet = await runFleet({ startEmulator });
  let longRun;
  if (!SKIP.has('longrun')) longRun = await runLongRun();
  let dac;
  let dacRounds = { ours: [], anchor: [] };
  if (!SKIP.has('dac')) {
    dacRounds = await runDac();
    dac = {
      config: {
        rounds: DAC_ROUNDS,
        boundMs: DAC_BOUND_MS,
        anchorParallel: Math.min(DAC_ANCHOR_PARALLEL, DAC_ROUNDS),
        calls: DAC_CALLS,
      },
      results: { ours: combineDac(dacRounds.ours), anchor: combineDac(dacRounds.anchor) },
      rounds: dacRounds,
    };
  }
  const egress = [
    ...(run?.egress ?? []),
    ...(persistence?.egress ?? []),
    ...(longRun?.egress ?? []).map((e) => ({ ...e, workload: 'long run' })),
    ...(startup?.egress ?? []),
    ...(sidecar?.egress ?? []),
    ...(fleet?.egress ?? []).map((e) => ({ ...e, workload: 'fleet' })),
    ...[...dacRounds.ours, ...dacRounds.anchor].flatMap((r) =>
      (r.egress ?? []).map((e) => ({ ...e, workload: `dac ${r.library} round ${r.round}` })),
    ),
  ];
  const machine = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
  const versions = {
    'reactive-identity': version('../package.json'),
    '@azure/identity': version('../node_modules/@azure/identity/package.json'),
    '@azure/identity msal-node': version(
      '../node_modules/@azure/identity/node_modules/@azure/msal-node/package.json',
    ),
    'reactive-identity msal-node': version('../node_modules/@azure/msal-node/package.json'),
  };
  const table = report(run, dac?.results, persistence, longRun, startup);
  const out = {
    date: new Date().toISOString(),
    machine,
    versions,
    emulatorLatencyMs: LATENCY_MS,
    durationMs: Date.now() - started,
    skipped: [...SKIP],
    ...run,
    defaultAzureCredential: dac,
    persistence: persistence && { ...persistence, egress: undefined },
    longRun: longRun && { ...longRun, egress: undefined },
    startup: startup && { ...startup, egress: undefined },
    sidecar: sidecar && { ...sidecar, egress: undefined },
    fleet: fleet && { ...fleet, egress: undefined },
    egress,
  };
  writeFileSync(join(here, 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(
    `\nNode ${machine.node}, ${machine.cpus} × ${machine.cpuModel}; ` +
      `@azure/identity ${versions['@azure/identity']} (msal-node ${versions['@azure/identity msal-node']}) ` +
      `vs reactive-identity ${versions['reactive-identity']} (msal-node ${versions['reactive-identity msal-node']})\n`,
  );
  console.log(table);
  console.log(
    `\nratio: anchor/ours for latencies, request counts, wall time, az runs and connections; ` +
      `ours/anchor for throughput.`,
  );
  if (persistence) {
    const r = persistence.results;
    const { anchorPersistence } = r;
    console.log(
      `workload 5: ours, 1st getToken from disk is ` +
        `${ratio(r.oursNetwork.first.medianMs, r.diskHit.first.medianMs)} faster than from the ` +
        `network (${ratio(r.oursNetworkSettled.first.medianMs, r.diskHitSettled.first.medianMs)} ` +
        `after ${persistence.config.settleMs} ms idle; ${LATENCY_MS} ms emulator latency).`,
    );
    console.log(
      `workloads 5–6: the anchor runs without persistence (compared with ` +
        `${anchorPersistence.comparedWith}): ${anchorPersistence.reason}`,
    );
  }
  if (longRun) console.log(longRunNotes(longRun));
  if (startup) console.log(startupNotes(startup));
  if (sidecar) console.log(`\n${sidecarTable(sidecar)}\n${sidecarNotes(sidecar)}`);
  if (fleet) console.log(`\n${fleetTable(fleet)}\n${fleetNotes(fleet)}`);
  if (SKIP.size > 0) console.log(`skipped (BENCH_SKIP): ${[...SKIP].join(', ')}`);
  console.log(`results: benchmarks/results.json (${(out.durationMs / 1000).toFixed(1)} s)`);
  const dacProblems = !dac
    ? []
    : ['ours', 'anchor'].flatMap((key) => {
        const r = dac.results[key];
        const problems = [...r.errors];
        if (r.tokensNotFromFakeAz > 0)
          problems.push(`${r.tokensNotFromFakeAz} token(s) not from the fake az`);
        if (r.otherToolsOnPath.length > 0)
          problems.push(`found on PATH: ${r.otherToolsOnPath.join(', ')}`);
        if (r.killedRounds > 0) problems.push(`${r.killedRounds} round(s) killed`);
        return problems.map((p) => `${key}: ${p}`);
      });
  if (dacProblems.length > 0) {
    console.error('DefaultAzureCredential workload problems:\n  ' + dacProblems.join('\n  '));
    process.exitCode = 1;
  }
  const pProblems = persistence ? persistenceProblems(persistence) : [];
  if (pProblems.length > 0) {
    console.error('Persistent cache workload problems:\n  ' + pProblems.join('\n  '));
    process.exitCode = 1;
  }
  const sProblems = startup ? startupProblems({ ...startup, egress: [] }) : [];
  if (sProblems.length > 0) {
    console.error('Start-up workload problems:\n  ' + sProblems.join('\n  '));
    process.exitCode = 1;
  }
  const scProblems = sidecar ? sidecarProblems(sidecar) : [];
  if (scProblems.length > 0) {
    console.error('Sidecar workload problems:\n  ' + scProblems.join('\n  '));
    process.exitCode = 1;
  }
  const fProblems = fleet ? fleetProblems({ ...fleet, egress: [] }) : [];
  if (fProblems.length > 0) {
    console.error('Fleet workload problems:\n  ' + fProblems.join('\n  '));
    process.exitCode = 1;
  }
  const lProblems = longRun ? longRunProblems({ ...longRun, egress: [] }) : [];
  if (lProblems.length > 0) {
    console.error('Long-run workload problems:\n  ' + lProblems.join('\n  '));
    process.exitCode = 1;
  }
  if (egress.length > 0) {
    console.error('NON-LOOPBACK TRAFFIC DETECTED:', JSON.stringify(egress));
    process.exitCode = 2;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
