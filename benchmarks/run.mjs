// `npm run bench`: reactive-identity against @azure/identity 4.13.0 on a loopback emulator.
//
// This process runs the emulator (HTTPS on 127.0.0.1, 50 ms latency on every response) and owns
// its counters; benchmarks/workloads.mjs runs both libraries in one child process that trusts the
// emulator's CA (tlsOptions, and NODE_EXTRA_CA_CERTS for any client that ignores them). Results
// are printed as a table and written to benchmarks/results.json.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../dist/esm/emulator/index.js';
import { fmt, markdownTable, ratio } from './stats.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const LATENCY_MS = 50;
const CHILD_TIMEOUT_MS = 110_000;
const app = { clientId: 'bench-client', clientSecret: 'bench-secret-not-real' };

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

function report(run) {
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
  try {
    run = await runChild(em, caFile);
  } finally {
    await em.stop();
    rmSync(dir, { recursive: true, force: true });
  }
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
  const table = report(run);
  const out = {
    date: new Date().toISOString(),
    machine,
    versions,
    emulatorLatencyMs: LATENCY_MS,
    durationMs: Date.now() - started,
    ...run,
  };
  writeFileSync(join(here, 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(
    `\nNode ${machine.node}, ${machine.cpus} × ${machine.cpuModel}; ` +
      `@azure/identity ${versions['@azure/identity']} (msal-node ${versions['@azure/identity msal-node']}) ` +
      `vs reactive-identity ${versions['reactive-identity']} (msal-node ${versions['reactive-identity msal-node']})\n`,
  );
  console.log(table);
  console.log(
    `\nratio: anchor/ours for latencies, request counts and wall time; ours/anchor for throughput.`,
  );
  console.log(`results: benchmarks/results.json (${(out.durationMs / 1000).toFixed(1)} s)`);
  if (run.egress.length > 0) {
    console.error('NON-LOOPBACK TRAFFIC DETECTED:', JSON.stringify(run.egress));
    process.exitCode = 2;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
