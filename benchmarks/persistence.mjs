// Workloads 5 and 6: the persistent cache across processes, run by run.mjs while its emulator
// (50 ms latency) is up, so that request counts come straight from the emulator's counters.
//   5. Disk hit: one process writes a token to an encrypted cache on disk; then, round by round,
//      fresh processes time their 1st getToken (a disk read + decrypt) and 2nd (a memory hit),
//      next to fresh processes without a persistent cache (ours, and the anchor) whose 1st
//      getToken is a network acquisition. Plus a microbenchmark of DiskLayer.get on a warm
//      store, without process start-up (benchmarks/diskRead.mjs).
//   6. 8 processes start together on one key (a common start time after all of them are ready);
//      token requests are counted at the emulator. Ours with the persistent cache; the anchor
//      without persistence, because @azure/identity-cache-persistence cannot run here.
// Each process is benchmarks/processes.mjs; every child installs the loopback guard.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { fmt, median, ratio } from './stats.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const SCOPE = 'https://storage.azure.com/.default';
const PROCESS_TIMEOUT_MS = 60_000;
export const persistenceConfig = {
  rounds: Number(process.env.BENCH_DISK_HIT_ROUNDS ?? 10),
  processes: Number(process.env.BENCH_PROCESSES ?? 8),
  processRounds: Number(process.env.BENCH_PROCESS_ROUNDS ?? 3),
  // The common start time is this long after the last process reported ready.
  startLeadMs: Number(process.env.BENCH_PROCESS_LEAD_MS ?? 100),
  // The 'settled' variants of workload 5 idle this long between construction and the 1st call.
  settleMs: Number(process.env.BENCH_SETTLE_MS ?? 100),
};

/**
 * Why the anchor runs without persistence: what `npm install --no-save
 * @azure/identity-cache-persistence@1.2.0` did on this machine (see BENCHMARKS.md), and whether
 * the plugin resolves from this project now.
 */
export const ANCHOR_PERSISTENCE_REASON =
  '@azure/identity-cache-persistence 1.2.0 does not install or load here: its dependency ' +
  'keytar 7.9.0 has no prebuilt binary (prebuild-install: getaddrinfo ENOTFOUND github.com) and ' +
  "cannot be built (node-gyp: Package 'libsecret-1' was not found in the pkg-config search path); " +
  'installed with --ignore-scripts, importing the plugin fails with Cannot find module ' +
  "'../build/Release/keytar.node', so even its unencrypted-file fallback cannot be reached.";

export async function probeAnchorPlugin() {
  try {
    await import('@azure/identity-cache-persistence');
    return { resolvesFromProject: true };
  } catch (error) {
    return {
      resolvesFromProject: false,
      error: `${error?.code ?? error?.name}: ${String(error?.message ?? error).split('\n')[0]}`,
    };
  }
}

/** Forks benchmarks/processes.mjs; `onReady` is called with the child once it reports ready. */
function startProcess(base, config, onReady) {
  const child = fork(join(here, 'processes.mjs'), [], {
    env: { ...base.env, BENCH_PROCESS_CONFIG: JSON.stringify({ ...base.config, ...config }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const done = new Promise((resolve, reject) => {
    let outcome;
    const timer = setTimeout(() => {
      outcome ??= { error: new Error(`a process did not finish in ${PROCESS_TIMEOUT_MS} ms`) };
      if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, PROCESS_TIMEOUT_MS);
    child.on('message', (message) => {
      if (message.type === 'ready') onReady?.(child);
      else if (message.type === 'results') outcome ??= { results: message.body };
      else if (message.type === 'error') {
        outcome ??= { error: new Error(`processes.mjs failed:\n${message.body}`) };
      }
    });
    child.on('error', (error) => (outcome ??= { error }));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (outcome?.results) resolve(outcome.results);
      else reject(outcome?.error ?? new Error(`processes.mjs exited (${code}, ${signal})`));
    });
  });
  return { child, done };
}

function counts(em) {
  return { token: em.counters.get('token'), openid: em.counters.get('openid') };
}

/** One 'single' process: 1st and 2nd getToken, with the requests it made at the emulator. */
async function single(em, base, config) {
  em.counters.reset();
  const result = await startProcess(base, { mode: 'single', ...config }).done;
  return { ...result, requests: counts(em) };
}

/** N processes on one key: all report ready, then all get the same start time. */
async function herd(em, base, config, n, leadMs) {
  let ready = 0;
  let release;
  const allReady = new Promise((resolve) => (release = resolve));
  const children = Array.from({ length: n }, () =>
    startProcess(base, { mode: 'herd', ...config }, () => {
      if (++ready === n) release();
    }),
  );
  const finished = Promise.all(children.map((c) => c.done));
  // A process that fails before it is ready ends the round instead of leaving it waiting.
  await Promise.race([allReady, finished]);
  em.counters.reset();
  const startAt = Date.now() + leadMs;
  for (const { child } of children) child.send({ type: 'go', startAt });
  const processes = await finished;
  const requests = counts(em);
  const calls = processes.map((p) => p.call);
  const times = calls.map((c) => c.ms);
  return {
    library: config.library,
    persistent: Boolean(config.persistence),
    tokenRequests: requests.token,
    openidRequests: requests.openid,
    succeeded: calls.filter((c) => !c.error).length,
    distinctTokens: new Set(calls.filter((c) => !c.error).map((c) => c.token)).size,
    errors: calls.filter((c) => c.error).map((c) => c.error),
    // Ours: how each process got its token, by the engine's events (network = it acquired).
    sources: calls.reduce((acc, c) => {
      if (c.source) acc[c.source] = (acc[c.source] ?? 0) + 1;
      return acc;
    }, {}),
    slowestMs: Math.max(...times),
    medianMs: median(times),
    fastestMs: Math.min(...times),
    allDoneAfterStartMs: Math.max(...processes.map((p) => p.doneAfterStartMs)),
    maxLateMs: Math.max(...processes.map((p) => p.lateMs)),
    processes,
  };
}

const summary = (values) => ({
  medianMs: median(values),
  minMs: Math.min(...values),
  maxMs: Math.max(...values),
});

/** Medians over the 'single' rounds of one kind. */
function combineSingle(rounds) {
  const ok = rounds.filter((r) => !r.first?.error);
  const pick = (f) => ok.map(f).filter((v) => typeof v === 'number');
  return {
    rounds: rounds.length,
    failed: rounds.length - ok.length,
    errors: rounds.filter((r) => r.first?.error).map((r) => r.first.error),
    importMs: median(pick((r) => r.importMs)),
    constructMs: median(pick((r) => r.constructMs)),
    first: summary(pick((r) => r.first.ms)),
    second: summary(pick((r) => r.second?.ms)),
    firstDoneSinceStartMs: median(pick((r) => r.firstDoneSinceStartMs)),
    tokenRequestsPerProcess: Math.max(...rounds.map((r) => r.requests.token)),
    openidRequestsPerProcess: Math.max(...rounds.map((r) => r.requests.openid)),
  };
}

function combineHerd(rounds) {
  return {
    rounds: rounds.length,
    processes: rounds[0]?.processes.length,
    tokenRequests: Math.max(...rounds.map((r) => r.tokenRequests)),
    tokenRequestsPerRound: rounds.map((r) => r.tokenRequests),
    openidRequests: Math.max(...rounds.map((r) => r.openidRequests)),
    succeeded: Math.min(...rounds.map((r) => r.succeeded)),
    distinctTokens: Math.max(...rounds.map((r) => r.distinctTokens)),
    errors: rounds.flatMap((r) => r.errors),
    sourcesPerRound: rounds.map((r) => r.sources),
    slowestMs: median(rounds.map((r) => r.slowestMs)),
    medianMs: median(rounds.map((r) => r.medianMs)),
    fastestMs: median(rounds.map((r) => r.fastestMs)),
    allDoneAfterStartMs: median(rounds.map((r) => r.allDoneAfterStartMs)),
    maxLateMs: Math.max(...rounds.map((r) => r.maxLateMs)),
  };
}

function runDiskRead(directory) {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'diskRead.mjs'), [], {
      execArgv: ['--expose-gc'],
      env: { ...process.env, BENCH_DISK_DIR: directory },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let outcome;
    child.on('message', (message) => {
      if (message.type === 'results') outcome ??= { results: message.body };
      else if (message.type === 'error') {
        outcome ??= { error: new Error(`diskRead.mjs failed:\n${message.body}`) };
      }
    });
    child.on('error', (error) => (outcome ??= { error }));
    child.on('exit', (code, signal) => {
      if (outcome?.results) resolve(outcome.results);
      else reject(outcome?.error ?? new Error(`diskRead.mjs exited (${code}, ${signal})`));
    });
  });
}

/**
 * Runs workloads 5 and 6 against `em` (the emulator run.mjs started). `env` is the environment of
 * every process (no AZURE_* variables; NODE_EXTRA_CA_CERTS set to `caFile`).
 */
export async function runPersistence({ em, caFile, app, env }) {
  const cfg = persistenceConfig;
  const root = mkdtempSync(join(tmpdir(), 'reactive-identity-bench-disk-'));
  const encryptionKey = randomBytes(32).toString('base64');
  const base = {
    env,
    config: {
      caFile,
      authorityHost: em.url,
      tenantId: em.tenantId,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      scope: SCOPE,
    },
  };
  const diskHitPersistence = { directory: join(root, 'disk-hit'), name: 'bench', encryptionKey };
  try {
    const anchorPlugin = await probeAnchorPlugin();
    // ---- 5. A token on disk, written by a first process. ----
    const seed = await single(em, base, { library: 'ours', persistence: diskHitPersistence });
    const settled = { settleMs: cfg.settleMs };
    const kinds = {
      diskHit: { library: 'ours', persistence: diskHitPersistence },
      diskHitSettled: { library: 'ours', persistence: diskHitPersistence, ...settled },
      oursNetwork: { library: 'ours' },
      oursNetworkSettled: { library: 'ours', ...settled },
      anchorNetwork: { library: 'anchor' },
      anchorNetworkSettled: { library: 'anchor', ...settled },
    };
    const names = Object.keys(kinds);
    const singles = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < cfg.rounds; round++) {
      // Rotate which kind goes first.
      const order = names.map((_, i) => names[(i + round) % names.length]);
      for (const name of order) singles[name].push(await single(em, base, kinds[name]));
    }
    const diskRead = await runDiskRead(join(root, 'disk-read'));
    // ---- 6. N processes on one key, a fresh cache folder per round. ----
    const herds = { ours: [], anchor: [] };
    for (let round = 0; round < cfg.processRounds; round++) {
      const order = round % 2 === 0 ? ['ours', 'anchor'] : ['anchor', 'ours'];
      for (const library of order) {
        const config =
          library === 'ours'
            ? {
                library,
                persistence: {
                  directory: join(root, `herd-${round}`),
                  name: 'bench',
                  encryptionKey,
                },
              }
            : { library };
        herds[library].push(await herd(em, base, config, cfg.processes, cfg.startLeadMs));
      }
    }
    const diskHitMismatches = [...singles.diskHit, ...singles.diskHitSettled].filter(
      (r) =>
        r.first?.token !== seed.first?.token ||
        r.first?.source !== 'disk' ||
        r.requests.token !== 0,
    ).length;
    const results = {
      seed: {
        firstMs: seed.first?.ms,
        tokenRequests: seed.requests.token,
        error: seed.first?.error,
      },
      ...Object.fromEntries(names.map((name) => [name, combineSingle(singles[name])])),
      diskHitNotFromDisk: diskHitMismatches,
      diskRead: diskRead.results,
      herd: { ours: combineHerd(herds.ours), anchor: combineHerd(herds.anchor) },
      anchorPersistence: {
        runs: false,
        comparedWith: '@azure/identity 4.13.0 without persistence',
        reason: ANCHOR_PERSISTENCE_REASON,
        probe: anchorPlugin,
      },
    };
    const egress = [
      seed,
      ...Object.values(singles).flat(),
      ...Object.values(herds)
        .flat()
        .flatMap((h) => h.processes),
    ].flatMap((p) => (p.egress ?? []).map((e) => ({ ...e, workload: `persistence ${p.library}` })));
    return {
      config: { ...cfg, scope: SCOPE, diskRead: diskRead.config },
      results,
      rounds: { seed, singles, diskRead: diskRead.rounds, herds },
      egress,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Problems that make the run fail (printed by run.mjs). */
export function persistenceProblems(p) {
  const r = p.results;
  const problems = [];
  if (r.seed.error) problems.push(`seed process: ${r.seed.error}`);
  for (const key of Object.keys(r).filter((k) => Array.isArray(r[k]?.errors))) {
    for (const error of r[key].errors) problems.push(`${key}: ${error}`);
  }
  if (r.diskHitNotFromDisk > 0) {
    problems.push(`${r.diskHitNotFromDisk} disk-hit process(es) did not get the token on disk`);
  }
  for (const key of ['ours', 'anchor']) {
    for (const error of r.herd[key].errors) problems.push(`herd ${key}: ${error}`);
  }
  return problems;
}

const fmtMs = (ms) => (ms < 1 ? fmt(ms * 1000, 'µs') : fmt(ms, 'ms'));

/** '1 network + 7 disk' when every round agreed, else 'varied'; `all` for the anchor (no events). */
function sources(h, all) {
  if (all) return `${h.processes} ${all}`;
  const shapes = new Set(
    h.sourcesPerRound.map((s) =>
      Object.entries(s)
        .sort(([a], [b]) => (a === 'network' ? -1 : b === 'network' ? 1 : a.localeCompare(b)))
        .map(([k, v]) => `${v} ${k}`)
        .join(' + '),
    ),
  );
  return shapes.size === 1 ? [...shapes][0] : 'varied';
}

/** Rows of the main table (anchor, ours, ratio = anchor ÷ ours). */
export function persistenceRows(p) {
  const r = p.results;
  const { diskRead, herd } = r;
  const R = r.diskHit.rounds;
  const { processes: N, processRounds: HR, settleMs } = p.config;
  const noPlugin = 'n/a (no plugin)';
  const us = (x) => `${fmt(x.p50Us, 'µs')} / ${fmt(x.p99Us, 'µs')}`;
  const pair = (label, anchor, ours) => [label, fmtMs(anchor), fmtMs(ours), ratio(anchor, ours)];
  const rows = [
    [
      `5. new process, token on disk (median of ${R}): 1st getToken`,
      noPlugin,
      fmtMs(r.diskHit.first.medianMs),
      '—',
    ],
    [
      `5. token on disk: 1st getToken, after ${settleMs} ms idle`,
      noPlugin,
      fmtMs(r.diskHitSettled.first.medianMs),
      '—',
    ],
    ['5. token on disk: 2nd getToken (memory)', noPlugin, fmtMs(r.diskHit.second.medianMs), '—'],
    [
      '5. token on disk: process start → 1st token',
      noPlugin,
      fmtMs(r.diskHit.firstDoneSinceStartMs),
      '—',
    ],
    pair(
      '5. no persistent cache: 1st getToken (network)',
      r.anchorNetwork.first.medianMs,
      r.oursNetwork.first.medianMs,
    ),
    pair(
      `5. no persistent cache: 1st getToken, after ${settleMs} ms idle`,
      r.anchorNetworkSettled.first.medianMs,
      r.oursNetworkSettled.first.medianMs,
    ),
    pair(
      '5. no persistent cache: 2nd getToken',
      r.anchorNetwork.second.medianMs,
      r.oursNetwork.second.medianMs,
    ),
    pair(
      '5. no persistent cache: process start → 1st token',
      r.anchorNetwork.firstDoneSinceStartMs,
      r.oursNetwork.firstDoneSinceStartMs,
    ),
    [
      `5. DiskLayer.get, warm, encrypted (${fmt(diskRead.encrypted.reads)} reads): p50 / p99`,
      '—',
      us(diskRead.encrypted),
      '—',
    ],
    ['5. DiskLayer.get, warm, unencrypted: p50 / p99', '—', us(diskRead.unencrypted), '—'],
  ];
  const parts = diskRead.parts;
  if (parts && !parts.skipped) {
    rows.push([
      '5. encrypted get, p50 of parts: dir checks + readFile + decrypt',
      '—',
      `${fmt(parts.directoryChecks.p50Us)} + ${fmt(parts.readFile.p50Us)} + ${fmt(parts.decryptAndParse.p50Us)} µs`,
      '—',
    ]);
  }
  rows.push(
    [
      `6. ${N} processes on one key (worst of ${HR}): token requests`,
      `${fmt(herd.anchor.tokenRequests)} (no persistence)`,
      fmt(herd.ours.tokenRequests),
      ratio(herd.anchor.tokenRequests, herd.ours.tokenRequests),
    ],
    [
      `6. ${N} processes: openid requests / distinct tokens`,
      `${herd.anchor.openidRequests} / ${herd.anchor.distinctTokens}`,
      `${herd.ours.openidRequests} / ${herd.ours.distinctTokens}`,
      '',
    ],
    [
      `6. ${N} processes: where the tokens came from (every round)`,
      sources(herd.anchor, 'network'),
      sources(herd.ours),
      '',
    ],
    pair(
      `6. ${N} processes: slowest getToken (median of ${HR})`,
      herd.anchor.slowestMs,
      herd.ours.slowestMs,
    ),
    pair(`6. ${N} processes: median getToken`, herd.anchor.medianMs, herd.ours.medianMs),
  );
  return rows;
}
