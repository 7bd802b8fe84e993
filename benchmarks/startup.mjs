// Workload 8: start-up. What a fresh process pays before its first token: the import of the
// package entry, the construction of a ClientSecretCredential and its first getToken, for ours
// (the ESM build in dist/) beside @azure/identity 4.13.0 (issue 10, "Start-up").
//
// This process starts one emulator (HTTPS on 127.0.0.1, one app; no added latency by default,
// the same for both libraries, so the first token measures each library's own work plus its
// round trips on loopback) and forks benchmarks/startupProcess.mjs once per measured process,
// one after another, alternating the libraries (anchor, ours, ours, anchor, ...). Each child
// times its three phases with performance.now() and sends them back. Then, untimed, one
// inventory process per build (anchor, ours ESM, ours CommonJS) lists the modules loaded at
// import, after construction and after the first token.
//
// Run alone: `node benchmarks/startup.mjs` (on the built dist/); `npm run bench` runs it as
// section `startup`. Knobs: BENCH_STARTUP_PROCESSES [15] (per library), BENCH_STARTUP_LATENCY_MS
// [0] (emulator latency on every response).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { fmt, markdownTable, median, percentile, ratio } from './stats.mjs';

const SELF = fileURLToPath(import.meta.url);
const CHILD = fileURLToPath(new URL('./startupProcess.mjs', import.meta.url));
const SCOPE = 'https://storage.azure.com/.default';
const PROCESS_TIMEOUT_MS = 60_000;
const app = { clientId: 'bench-startup-client', clientSecret: 'bench-startup-secret-not-real' };

export const startupConfig = {
  processes: Number(process.env.BENCH_STARTUP_PROCESSES ?? 15),
  latencyMs: Number(process.env.BENCH_STARTUP_LATENCY_MS ?? 0),
};

/** Packages whose presence at import the report names (when a library loads them at all). */
export const WATCHED_PACKAGES = [
  '@azure/msal-node',
  'jsonwebtoken',
  'jose',
  'node-forge',
  'rxjs',
  '@opentelemetry/api',
  '@azure/core-rest-pipeline',
  'proper-lockfile',
  'lru-cache',
];

const PHASES = ['importMs', 'constructMs', 'firstTokenMs', 'totalMs', 'sinceProcessStartMs'];

/** This environment without anything that could point a credential elsewhere. */
function childEnv(caFile, childConfig) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(AZURE_|MSI_|IDENTITY_|IMDS_|BENCH_|REACTIVE_IDENTITY_)/.test(name)) continue;
    if (name === 'NODE_EXTRA_CA_CERTS' || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  return {
    ...env,
    NODE_EXTRA_CA_CERTS: caFile,
    BENCH_STARTUP_CONFIG: JSON.stringify(childConfig),
  };
}

function runProcess(env) {
  return new Promise((resolve, reject) => {
    // No execArgv: each child is a plain `node startupProcess.mjs`, whatever flags this one has.
    const child = fork(CHILD, [], {
      env,
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let outcome;
    const timer = setTimeout(() => {
      outcome ??= {
        error: new Error(`startupProcess.mjs did not finish in ${PROCESS_TIMEOUT_MS} ms`),
      };
      if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, PROCESS_TIMEOUT_MS);
    child.on('message', (message) => {
      if (message.type === 'results') outcome ??= { results: message.body };
      else if (message.type === 'error') {
        outcome ??= { error: new Error(`startupProcess.mjs failed:\n${message.body}`) };
      }
    });
    child.on('error', (error) => (outcome ??= { error }));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (outcome?.results) resolve(outcome.results);
      else reject(outcome?.error ?? new Error(`startupProcess.mjs exited (${code}, ${signal})`));
    });
  });
}

/** Median and p90 (nearest rank) of each phase over the processes of one library. */
function summarizeProcesses(processes) {
  const out = { processes: processes.length };
  for (const phase of PHASES) {
    const sorted = processes.map((p) => p[phase]).sort((a, b) => a - b);
    out[phase] = { median: median(sorted), p90: percentile(sorted, 90) };
  }
  return out;
}

/**
 * Ours ÷ anchor per back-to-back pair (round i ran one process of each library, one right after
 * the other), as the median over the pairs: steadier than a ratio of medians when the machine's
 * load drifts during the run.
 */
function pairedShares(processes) {
  const out = {};
  for (const phase of ['importMs', 'firstTokenMs', 'totalMs']) {
    out[phase] = median(processes.anchor.map((a, i) => processes.ours[i][phase] / a[phase]));
  }
  return out;
}

/** The npm packages of one inventory phase (the library's own files aside). */
function packagesOf(phase) {
  return Object.keys(phase.packages)
    .filter((name) => name !== '(dist)')
    .sort();
}

/**
 * Runs workload 8: `processes` timed processes per library, alternating, then the inventories.
 * Starts and stops its own emulator; `startEmulator` is the emulator's entry (from dist/).
 */
export async function runStartup({ startEmulator, config = startupConfig } = {}) {
  const started = Date.now();
  const loadBefore = loadavg()[0];
  const em = await startEmulator({ apps: [app], latencyMs: config.latencyMs });
  const dir = mkdtempSync(join(tmpdir(), 'reactive-identity-startup-'));
  const caFile = join(dir, 'emulator-ca.pem');
  writeFileSync(caFile, em.ca);
  const base = {
    caFile,
    authorityHost: em.url,
    tenantId: em.tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    scope: SCOPE,
  };
  const processes = { anchor: [], ours: [] };
  const inventories = {};
  try {
    for (let i = 0; i < config.processes; i++) {
      const order = i % 2 === 0 ? ['anchor', 'ours'] : ['ours', 'anchor'];
      for (const library of order) {
        const env = childEnv(caFile, { ...base, library });
        processes[library].push({ index: i, ...(await runProcess(env)) });
      }
    }
    for (const library of ['anchor', 'ours', 'oursCommonjs']) {
      const env = childEnv(caFile, { ...base, library, inventory: true });
      inventories[library] = await runProcess(env);
    }
  } finally {
    await em.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const all = [...processes.anchor, ...processes.ours, ...Object.values(inventories)];
  return {
    config: { ...config, scope: SCOPE },
    results: {
      anchor: summarizeProcesses(processes.anchor),
      ours: summarizeProcesses(processes.ours),
      pairedShares: pairedShares(processes),
    },
    inventories,
    processes,
    errors: all
      .filter((p) => p.error || !p.gotToken)
      .map((p) => `${p.library}: ${p.error ?? 'no token'}`),
    egress: all.flatMap((p) => (p.egress ?? []).map((e) => ({ ...e, workload: 'startup' }))),
    loadAverage: { before: loadBefore, after: loadavg()[0] },
    durationMs: Date.now() - started,
  };
}

// ============================================================================================
// Report.
// ============================================================================================

const ms = (v) => (v < 1 ? fmt(v * 1000, 'µs') : fmt(v, 'ms'));
const pair = (x) => `${ms(x.median)} / ${ms(x.p90)}`;

/** The watched packages an inventory phase holds, or `none`. */
function watchedCell(phase) {
  const present = WATCHED_PACKAGES.filter((name) => phase.packages[name] !== undefined);
  return present.length === 0 ? 'none' : present.join(', ');
}

/** Rows for run.mjs's table (and this file's own). */
export function startupRows(s) {
  const { anchor, ours } = s.results;
  const N = ours.processes;
  const lat = s.config.latencyMs;
  const row = (label, phase) => [
    label,
    pair(anchor[phase]),
    pair(ours[phase]),
    ratio(anchor[phase].median, ours[phase].median),
  ];
  const inv = s.inventories;
  return [
    row(`8. start-up (${N} processes each, ${lat} ms latency): import, median / p90`, 'importMs'),
    row('8. start-up: construct ClientSecretCredential', 'constructMs'),
    row('8. start-up: 1st getToken', 'firstTokenMs'),
    row('8. start-up: import + construct + 1st getToken', 'totalMs'),
    row('8. start-up: process start → 1st token', 'sinceProcessStartMs'),
    [
      '8. start-up: ours ÷ anchor, total, median over back-to-back pairs',
      '',
      `${fmt(s.results.pairedShares.totalMs * 100)} %`,
      '',
    ],
    [
      '8. start-up: modules loaded at import (packages)',
      `${fmt(inv.anchor.atImport.modules)} (${packagesOf(inv.anchor.atImport).length})`,
      `${fmt(inv.ours.atImport.modules)} (${packagesOf(inv.ours.atImport).length})`,
      ratio(inv.anchor.atImport.modules, inv.ours.atImport.modules),
    ],
    [
      '8. start-up: heavy packages at import',
      watchedCell(inv.anchor.atImport),
      watchedCell(inv.ours.atImport),
      '',
    ],
    [
      '8. start-up: modules loaded by the 1st token',
      fmt(inv.anchor.afterToken.modules),
      fmt(inv.ours.afterToken.modules),
      ratio(inv.anchor.afterToken.modules, inv.ours.afterToken.modules),
    ],
  ];
}

/** Notes printed under the table: the goal, the CommonJS build, the watched packages. */
export function startupNotes(s) {
  const { anchor, ours } = s.results;
  const share = ours.totalMs.median / anchor.totalMs.median;
  const paired = s.results.pairedShares.totalMs;
  const inv = s.inventories;
  const cjs = inv.oursCommonjs;
  return [
    `workload 8: ours takes ${fmt(share * 100)} % of the anchor's import + construct + 1st getToken ` +
      `(median ${ms(ours.totalMs.median)} vs ${ms(anchor.totalMs.median)}; ${fmt(paired * 100)} % ` +
      `as the median over back-to-back pairs; goal at most 50 %: ` +
      `${Math.max(share, paired) <= 0.5 ? 'met' : 'not met'}).`,
    `workload 8: our CommonJS build (inventory process): ${fmt(cjs.atImport.modules)} modules at ` +
      `import, heavy packages at import: ${watchedCell(cjs.atImport)}; after the 1st token: ` +
      `${watchedCell(cjs.afterToken)}${cjs.gotToken ? '' : ' (NO TOKEN)'}.`,
    `workload 8: heavy packages after the 1st token: anchor ${watchedCell(inv.anchor.afterToken)}; ` +
      `ours ${watchedCell(inv.ours.afterToken)}.`,
  ].join('\n');
}

/** What makes the run fail: a process without a token, or traffic off loopback. */
export function startupProblems(s) {
  return [...s.errors, ...s.egress.map((e) => `egress: ${JSON.stringify(e)}`)];
}

async function standalone() {
  const { startEmulator } = await import('../dist/esm/emulator/index.js');
  const s = await runStartup({ startEmulator });
  const header = ['workload / figure', '@azure/identity 4.13.0', 'reactive-identity', 'ratio'];
  console.log(markdownTable(header, startupRows(s)));
  console.log(`\n${startupNotes(s)}`);
  console.log(
    `load average ${fmt(s.loadAverage.before)} → ${fmt(s.loadAverage.after)}; ` +
      `${fmt(s.durationMs / 1000)} s`,
  );
  if (process.env.BENCH_STARTUP_JSON) {
    writeFileSync(process.env.BENCH_STARTUP_JSON, `${JSON.stringify(s, null, 2)}\n`);
  }
  const problems = startupProblems(s);
  if (problems.length > 0) {
    console.error('Start-up workload problems:\n  ' + problems.join('\n  '));
    process.exitCode = 1;
  }
}

if (process.argv[1] === SELF) {
  standalone().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
