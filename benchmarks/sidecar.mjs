// Workload 9: the token sidecar (issue 12). The real `reactive-identity serve` binary runs in a
// process of its own with `--credential managed-identity`, its upstream the emulator's App Service
// managed identity endpoint; client processes (benchmarks/sidecarClient.mjs) ask either that
// endpoint directly or the sidecar, with the same App Service protocol by hand:
//   - 1 client, N sequential requests on one keep-alive connection: latency per request, p50/p99;
//   - C client processes at once, N requests each: latency p50/p99 and throughput;
//   - upstream requests for the key, counted at the emulator, over both runs;
//   - C processes of @azure/identity 4.13's ManagedIdentityCredential, one getToken each, cold:
//     upstream requests (each process's MSAL caches only for itself) and getToken time.
// The sidecar's answers are cache hits after its first acquisition; the emulator mints and signs
// a token for every direct request, as a managed identity endpoint does.
//
// Run alone: `node benchmarks/sidecar.mjs` (on the built dist/); `npm run bench` runs it as
// section `sidecar`. Knobs: BENCH_SIDECAR_CLIENTS [16], BENCH_SIDECAR_REQUESTS [1000] (per client
// in the concurrent run), BENCH_SIDECAR_SOLO_REQUESTS [5000], BENCH_SIDECAR_LATENCY_MS [0]
// (emulator latency on every response).
import { fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, markdownTable, median, ratio, summarize } from './stats.mjs';

const SELF = fileURLToPath(import.meta.url);
const CLIENT = fileURLToPath(new URL('./sidecarClient.mjs', import.meta.url));
const EGRESS_HOOK = pathToFileURL(fileURLToPath(new URL('./sidecarEgress.mjs', import.meta.url)));
const MAIN = fileURLToPath(new URL('../dist/esm/cli/main.js', import.meta.url));
const HTTP_RESOURCE = 'https://vault.azure.net';
const SDK_RESOURCE = 'https://storage.azure.com';
const CHILD_TIMEOUT_MS = 120_000;

export const sidecarConfig = {
  clients: Number(process.env.BENCH_SIDECAR_CLIENTS ?? 16),
  requests: Number(process.env.BENCH_SIDECAR_REQUESTS ?? 1000),
  soloRequests: Number(process.env.BENCH_SIDECAR_SOLO_REQUESTS ?? 5000),
  warmup: 100,
  latencyMs: Number(process.env.BENCH_SIDECAR_LATENCY_MS ?? 0),
};

/** This environment without anything that could point a credential elsewhere. */
function cleanEnv() {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(AZURE_|MSI_|IDENTITY_|IMDS_|BENCH_|REACTIVE_IDENTITY_)/.test(name)) continue;
    if (name === 'NODE_EXTRA_CA_CERTS' || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  return env;
}

/** Forks `count` clients with `config`, starts them together once all are loaded. */
async function clients(count, config, env = {}) {
  const runs = Array.from({ length: count }, () => {
    const child = fork(CLIENT, [], {
      env: { ...cleanEnv(), ...env, BENCH_SIDECAR_CLIENT: JSON.stringify(config) },
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    let ready;
    const loaded = new Promise((resolve) => (ready = resolve));
    const done = new Promise((resolve, reject) => {
      child.on('message', (message) => {
        if (message.type === 'ready') ready();
        else if (message.type === 'results') resolve(message.body);
        else if (message.type === 'error') reject(new Error(`client failed:\n${message.body}`));
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`client exited (code ${code}) without results`));
      });
    });
    return { child, loaded, done };
  });
  await Promise.all(runs.map((r) => r.loaded));
  const started = process.hrtime.bigint();
  for (const { child } of runs) child.send({ type: 'go' });
  const results = await Promise.all(runs.map((r) => r.done));
  return { results, wallMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** Starts `reactive-identity serve` on the emulator's App Service identity; resolves its endpoint. */
async function startSidecar(em, dir) {
  const envFile = join(dir, 'sidecar.env');
  const egressFile = join(dir, 'sidecar-egress.json');
  const child = spawn(
    process.execPath,
    [
      '--import',
      EGRESS_HOOK.href,
      MAIN,
      'serve',
      '--port',
      '0',
      '--credential',
      'managed-identity',
    ].concat(['--sidecar-env', envFile]),
    {
      env: {
        ...cleanEnv(),
        ...em.managedIdentity.env('appService'),
        BENCH_EGRESS_FILE: egressFile,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + CHILD_TIMEOUT_MS;
  while (!existsSync(envFile)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error('the sidecar did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  const vars = Object.fromEntries(
    readFileSync(envFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2)),
  );
  const stop = async () => {
    child.kill('SIGTERM');
    const exit = await exited;
    const egress = existsSync(egressFile) ? JSON.parse(readFileSync(egressFile, 'utf8')) : [];
    return { exit, egress };
  };
  return { endpoint: vars.IDENTITY_ENDPOINT, header: vars.IDENTITY_HEADER, stop };
}

/** The three runs against one target (`direct` or `sidecar`). */
async function measure(em, target) {
  const { clients: C, requests: N, soloRequests, warmup } = sidecarConfig;
  const http = {
    mode: 'http',
    endpoint: target.endpoint,
    header: target.header,
    resource: HTTP_RESOURCE,
    warmup,
  };
  em.counters.reset();
  const solo = await clients(1, { ...http, requests: soloRequests });
  const herd = await clients(C, { ...http, requests: N });
  const upstream = em.counters.get('appService');
  em.counters.reset();
  const sdkEnv = { IDENTITY_ENDPOINT: target.endpoint, IDENTITY_HEADER: target.header };
  const sdk = await clients(C, { mode: 'sdk', resource: SDK_RESOURCE }, sdkEnv);
  const sdkUpstream = em.counters.get('appService');
  const all = [...solo.results, ...herd.results, ...sdk.results];
  const pooled = herd.results.flatMap((r) => r.latenciesNs);
  return {
    solo: summarize(solo.results[0].latenciesNs),
    herd: {
      ...summarize(pooled),
      opsPerSec: (C * N) / (Math.max(...herd.results.map((r) => r.wallMs)) / 1000),
      distinctTokens: new Set(herd.results.map((r) => r.distinctTokens)).size,
    },
    httpRequests: soloRequests + warmup + C * (N + warmup),
    upstream,
    sdk: {
      upstream: sdkUpstream,
      medianMs: median(sdk.results.map((r) => r.ms ?? Infinity)),
      distinctTokens: new Set(sdk.results.map((r) => r.token)).size,
      errors: sdk.results.filter((r) => r.error).map((r) => r.error),
    },
    failures: all.reduce((n, r) => n + (r.failures ?? 0), 0),
    egress: all.flatMap((r) => r.egress ?? []),
  };
}

export async function runSidecar({ startEmulator }) {
  const em = await startEmulator({ latencyMs: sidecarConfig.latencyMs });
  const dir = mkdtempSync(join(tmpdir(), 'reactive-identity-sidecar-bench-'));
  let sidecar;
  try {
    const mi = em.managedIdentity;
    const direct = await measure(em, {
      endpoint: mi.appServiceEndpoint,
      header: mi.appServiceSecret,
    });
    sidecar = await startSidecar(em, dir);
    const viaSidecar = await measure(em, sidecar);
    const stopped = await sidecar.stop();
    sidecar = undefined;
    return {
      config: sidecarConfig,
      results: { direct, sidecar: viaSidecar, sidecarExit: stopped.exit },
      egress: [...direct.egress, ...viaSidecar.egress, ...stopped.egress].map((e) => ({
        ...e,
        workload: 'sidecar',
      })),
    };
  } finally {
    await sidecar?.stop();
    await em.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function sidecarRows(run) {
  const { direct: d, sidecar: s } = run.results;
  const { clients: C, requests: N, soloRequests } = run.config;
  const us = (value) => fmt(value, 'µs');
  return [
    [
      `9. 1 client, ${soloRequests} sequential requests: p50`,
      us(d.solo.p50Us),
      us(s.solo.p50Us),
      ratio(d.solo.p50Us, s.solo.p50Us),
    ],
    ['9. 1 client: p99', us(d.solo.p99Us), us(s.solo.p99Us), ratio(d.solo.p99Us, s.solo.p99Us)],
    [
      `9. ${C} processes × ${N} requests: p50`,
      us(d.herd.p50Us),
      us(s.herd.p50Us),
      ratio(d.herd.p50Us, s.herd.p50Us),
    ],
    [
      `9. ${C} processes: p99`,
      us(d.herd.p99Us),
      us(s.herd.p99Us),
      ratio(d.herd.p99Us, s.herd.p99Us),
    ],
    [
      `9. ${C} processes: throughput`,
      fmt(d.herd.opsPerSec, 'req/s'),
      fmt(s.herd.opsPerSec, 'req/s'),
      ratio(s.herd.opsPerSec, d.herd.opsPerSec),
    ],
    [
      `9. upstream requests for the key (${fmt(d.httpRequests)} requests)`,
      fmt(d.upstream),
      fmt(s.upstream),
      ratio(d.upstream, s.upstream),
    ],
    [
      `9. ${C} @azure/identity processes, 1 getToken each: upstream requests`,
      fmt(d.sdk.upstream),
      fmt(s.sdk.upstream),
      ratio(d.sdk.upstream, s.sdk.upstream),
    ],
    [
      `9. ${C} @azure/identity processes: getToken (median)`,
      fmt(d.sdk.medianMs, 'ms'),
      fmt(s.sdk.medianMs, 'ms'),
      ratio(d.sdk.medianMs, s.sdk.medianMs),
    ],
  ];
}

export function sidecarTable(run) {
  const header = ['workload 9 / figure', 'direct to the MI endpoint', 'via the sidecar', 'ratio'];
  return markdownTable(header, sidecarRows(run));
}

export function sidecarNotes(run) {
  const { latencyMs } = run.config;
  return (
    `workload 9: the emulator's App Service managed identity endpoint (${latencyMs} ms added ` +
    'latency) mints a token per direct request; the sidecar (reactive-identity serve, a process ' +
    'of its own) answers from its engine. ratio: direct/sidecar for latencies and request ' +
    'counts, sidecar/direct for throughput.'
  );
}

export function sidecarProblems(run) {
  const problems = [];
  for (const [name, r] of Object.entries({
    direct: run.results.direct,
    sidecar: run.results.sidecar,
  })) {
    if (r.failures > 0) problems.push(`${name}: ${r.failures} failed request(s)`);
    if (r.sdk.errors.length > 0) problems.push(`${name}: ${r.sdk.errors.join('; ')}`);
  }
  const s = run.results.sidecar;
  if (s.upstream !== 1)
    problems.push(`sidecar: ${s.upstream} upstream requests for one key (expected 1)`);
  if (s.sdk.upstream !== 1)
    problems.push(`sidecar: ${s.sdk.upstream} upstream requests for the SDK key`);
  if (s.sdk.distinctTokens !== 1)
    problems.push(`sidecar: ${s.sdk.distinctTokens} distinct SDK tokens`);
  const exit = run.results.sidecarExit;
  if (exit.code !== 0) problems.push(`sidecar exited with ${exit.code ?? exit.signal} on SIGTERM`);
  return problems;
}

if (process.argv[1] === SELF) {
  const { startEmulator } = await import('../dist/esm/emulator/index.js');
  const run = await runSidecar({ startEmulator });
  console.log(sidecarTable(run));
  console.log(sidecarNotes(run));
  const problems = [
    ...sidecarProblems(run),
    ...run.egress.map((e) => `egress: ${JSON.stringify(e)}`),
  ];
  if (problems.length > 0) {
    console.error(`problems:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  }
}
