// Workload 7: the token contract on real time, with short-lived tokens and faults, side by side
// with @azure/identity 4.13.0 in the same run (issue 9).
//
// Scenarios: token lifetime 20 s and 120 s, each with no faults and with 30 % of token requests
// answered 503 (temporarily_unavailable). Per scenario and library, one ClientSecretCredential
// calls getToken(scope) every 20 ms for 60 s: paced by setInterval whatever the previous calls are
// doing, with at most 50 calls in flight (a tick that finds 50 in flight is skipped and counted).
// For ours, a third credential holds credential.token$(scope) for the whole run and checks that a
// new token arrives before the previous one expires.
//
// Every (scenario, runner) pair has an emulator of its own (12 in all, 50 ms latency on every
// response, like workloads 1-3), so token lifetimes and request counters never mix. The emulators
// run in this process; all scenarios and both libraries run at once in one child process (this
// file again, with --child), so the whole workload takes about the duration plus the drain.
//
// Run alone: `node benchmarks/longRun.mjs` (on the built dist/); `npm run bench` runs it as
// section `longrun`. Knobs: BENCH_LONG_DURATION_MS [60000], BENCH_LONG_INTERVAL_MS [20],
// BENCH_LONG_MAX_IN_FLIGHT [50], BENCH_LONG_BLOCKED_MS [5], BENCH_LONG_LATENCY_MS [50],
// BENCH_LONG_FAULT_RATE [0.3], BENCH_LONG_LIFETIMES [20,120] (seconds), BENCH_LONG_DRAIN_MS
// [30000] (how long calls still in flight at the end may take to settle).
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { fmt, markdownTable, percentile, ratio } from './stats.mjs';

const SELF = fileURLToPath(import.meta.url);
const here = fileURLToPath(new URL('.', import.meta.url));
const SCOPE = 'https://storage.azure.com/.default';
const app = { clientId: 'bench-long-client', clientSecret: 'bench-long-secret-not-real' };
const env = process.env;

export const longRunConfig = {
  durationMs: Number(env.BENCH_LONG_DURATION_MS ?? 60_000),
  intervalMs: Number(env.BENCH_LONG_INTERVAL_MS ?? 20),
  maxInFlight: Number(env.BENCH_LONG_MAX_IN_FLIGHT ?? 50),
  // A call slower than this waited for the network (the emulator adds latencyMs to every
  // response); a cache answer takes microseconds.
  blockedMs: Number(env.BENCH_LONG_BLOCKED_MS ?? 5),
  latencyMs: Number(env.BENCH_LONG_LATENCY_MS ?? 50),
  faultRate: Number(env.BENCH_LONG_FAULT_RATE ?? 0.3),
  lifetimesSeconds: (env.BENCH_LONG_LIFETIMES ?? '20,120')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0),
  drainMs: Number(env.BENCH_LONG_DRAIN_MS ?? 30_000),
  scope: SCOPE,
};

/** The scenarios: each lifetime without faults and with `faultRate` 503s on the token route. */
export function longRunScenarios(config = longRunConfig) {
  return config.lifetimesSeconds.flatMap((lifetimeSeconds) =>
    [0, config.faultRate].map((faultRate) => ({
      id: `${lifetimeSeconds}s-${faultRate > 0 ? `${Math.round(faultRate * 100)}pct503` : 'clean'}`,
      lifetimeSeconds,
      faultRate,
      label: `${lifetimeSeconds} s tokens, ${faultRate > 0 ? `${Math.round(faultRate * 100)} % 503` : 'no faults'}`,
    })),
  );
}

const RUNNERS = ['anchor', 'ours', 'oursStream'];

// ============================================================================================
// Parent: emulators, the child, counters.
// ============================================================================================

/** This environment without anything that could point a credential elsewhere. */
function childEnv() {
  const out = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(AZURE_|MSI_|IDENTITY_|IMDS_|REACTIVE_IDENTITY_)/.test(name)) continue;
    if (name === 'NODE_EXTRA_CA_CERTS') continue;
    out[name] = value;
  }
  return out;
}

/**
 * Runs workload 7: starts one emulator per scenario and runner, forks the measured child, and
 * returns its figures with the emulators' counters. Every emulator is stopped before it returns.
 */
export async function runLongRun(config = longRunConfig) {
  const { startEmulator } = await import('../dist/esm/emulator/index.js');
  const scenarios = longRunScenarios(config);
  const started = Date.now();
  const loadBefore = loadavg();
  const emulators = [];
  const dir = mkdtempSync(join(tmpdir(), 'reactive-identity-longrun-'));
  try {
    // Started side by side (their keys are generated asynchronously); pushed as each one is up,
    // so that `finally` stops every one that started, whatever else failed.
    const starting = [];
    for (const scenario of scenarios) {
      for (const runner of RUNNERS) {
        // Counts the 503s: the fault rule draws one random number per token request.
        const counts = { faulted: 0 };
        const rate = scenario.faultRate;
        const random = () => {
          const r = Math.random();
          if (r < rate) counts.faulted += 1;
          return r;
        };
        const start = startEmulator({
          apps: [app],
          tokenLifetimeSeconds: scenario.lifetimeSeconds,
          latencyMs: config.latencyMs,
          random,
        }).then((em) => {
          if (rate > 0) em.faults.add({ route: 'token', status: 503, rate });
          emulators.push({ scenario: scenario.id, runner, em, counts });
        });
        starting.push(start);
      }
    }
    const startups = await Promise.allSettled(starting);
    const failed = startups.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const caFile = join(dir, 'emulator-cas.pem');
    writeFileSync(caFile, emulators.map((e) => e.em.ca.trim()).join('\n') + '\n');
    const targets = emulators.map(({ scenario, runner, em }) => ({
      scenario,
      runner,
      authorityHost: em.url,
      tenantId: em.tenantId,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      ca: em.ca,
    }));
    const childConfigFile = join(dir, 'config.json');
    writeFileSync(childConfigFile, JSON.stringify({ config, scenarios, targets }));
    const child = await runChild({ caFile, childConfigFile, config });
    const results = {};
    for (const scenario of scenarios) results[scenario.id] = {};
    for (const { scenario, runner, em, counts } of emulators) {
      results[scenario][runner] = {
        ...child.results[scenario][runner],
        tokenRequests: em.counters.get('token'),
        faultedTokenRequests: counts.faulted,
        otherRequests: em.counters.total() - em.counters.get('token'),
      };
    }
    return {
      config,
      scenarios,
      results,
      eventLoop: child.eventLoop,
      wallMs: child.wallMs,
      egress: child.egress,
      durationMs: Date.now() - started,
      // 1-minute load average of the machine before and after: other work sharing the 2 vCPUs
      // shows up as event-loop delay and blocked calls.
      loadAverage: { before: loadBefore[0], after: loadavg()[0] },
    };
  } finally {
    await Promise.all(emulators.map((e) => e.em.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild({ caFile, childConfigFile, config }) {
  const timeoutMs = config.durationMs + config.drainMs + 60_000;
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['--child'], {
      env: {
        ...childEnv(),
        NODE_EXTRA_CA_CERTS: caFile,
        BENCH_LONG_CHILD_CONFIG: childConfigFile,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let outcome;
    const timer = setTimeout(() => {
      outcome ??= { error: new Error(`longRun child did not finish in ${timeoutMs} ms`) };
      if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('message', (message) => {
      if (message.type === 'results') outcome ??= { results: message.body };
      else if (message.type === 'error') {
        outcome ??= { error: new Error(`longRun child failed:\n${message.body}`) };
      }
    });
    child.on('error', (error) => (outcome ??= { error }));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (outcome?.results) resolve(outcome.results);
      else
        reject(
          outcome?.error ?? new Error(`longRun child exited (code ${code}, signal ${signal})`),
        );
    });
  });
}

// ============================================================================================
// Report.
// ============================================================================================

const count = (n) => fmt(n ?? 0);
const ms = (v) => (v === undefined || v === null ? 'n/a' : fmt(v, 'ms'));
const secsCell = (v) => (v === undefined || v === null ? '—' : fmt(v / 1000, 's'));

function errorsCell(r) {
  if (r.errors === 0) return '0';
  const groups = Object.entries(r.errorGroups)
    .sort((a, b) => b[1].count - a[1].count)
    .map(([key, g]) => `${key} ×${fmt(g.count)}`);
  return `${fmt(r.errors)}: ${groups.join('; ')}`;
}

function requestsCell(r) {
  const faults = r.faultedTokenRequests > 0 ? ` (${fmt(r.faultedTokenRequests)} × 503)` : '';
  return `${fmt(r.tokenRequests)}${faults}`;
}

function streamCell(s) {
  if (!s) return 'n/a';
  const plural = (n, word) => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;
  const parts = [plural(s.tokens, 'token'), plural(s.gaps, 'gap')];
  if (s.minLeadMs !== undefined) parts.push(`least lead ${fmt(s.minLeadMs / 1000)} s`);
  if (s.errors > 0) {
    const names = Object.keys(s.errorGroups)
      .map((k) => k.split(' ')[0])
      .join(', ');
    parts.push(`${fmt(s.errors)} errors (${names})`);
  }
  if (s.uncoveredMs > 0) parts.push(`no valid token for ${fmt(s.uncoveredMs / 1000)} s`);
  return parts.join(', ');
}

/** A ratio only where ours answered every call: with errors on our side it would mislead. */
const fairRatio = (r, a, b) => (r.errors === 0 ? ratio(a, b) : '—');

function blockedCell(r) {
  const stalls =
    r.blockedWithoutAcquisition !== undefined && r.blocked > 0
      ? ` (${fmt(r.blockedWithoutAcquisition)} with no acquisition)`
      : '';
  return `${fmt(r.blocked)} / ${fmt(r.blockedAfterFirst)}${stalls}`;
}

/** Rows for run.mjs's table (and this file's own). */
export function longRunRows(p) {
  const { config } = p;
  const secs = Math.round(config.durationMs / 1000);
  const rows = [];
  for (const scenario of p.scenarios) {
    const { anchor, ours, oursStream } = p.results[scenario.id];
    const head = `7. ${scenario.label}`;
    rows.push(
      [
        `${head} (getToken every ${config.intervalMs} ms, ${secs} s): calls (skipped ticks)`,
        `${count(anchor.calls)} (${count(anchor.skipped)})`,
        `${count(ours.calls)} (${count(ours.skipped)})`,
        '',
      ],
      [`${head}: errors`, errorsCell(anchor), errorsCell(ours), ''],
      [
        `${head}: blocked (> ${config.blockedMs} ms): all / called after the 1st token`,
        blockedCell(anchor),
        blockedCell(ours),
        fairRatio(ours, anchor.blocked, ours.blocked),
      ],
      [
        `${head}: latency p50 / p99 / max`,
        `${ms(anchor.p50Ms)} / ${ms(anchor.p99Ms)} / ${ms(anchor.maxMs)}`,
        `${ms(ours.p50Ms)} / ${ms(ours.p99Ms)} / ${ms(ours.maxMs)}`,
        fairRatio(ours, anchor.p50Ms, ours.p50Ms),
      ],
      [
        `${head}: token requests at the emulator`,
        requestsCell(anchor),
        requestsCell(ours),
        fairRatio(ours, anchor.tokenRequests, ours.tokenRequests),
      ],
      [
        `${head}: tokens expired when handed out / least life left`,
        `${count(anchor.expiredAtHandOut)} / ${ms(anchor.minRemainingMs)}`,
        `${count(ours.expiredAtHandOut)} / ${ms(ours.minRemainingMs)}`,
        '',
      ],
      [
        `${head}: first error / last token handed out (s into the run)`,
        `${secsCell(anchor.firstErrorAtMs)} / ${secsCell(anchor.lastSuccessAtMs)}`,
        `${secsCell(ours.firstErrorAtMs)} / ${secsCell(ours.lastSuccessAtMs)}`,
        '',
      ],
      [`${head}: token$ for the whole run`, 'n/a (no token$)', streamCell(oursStream), ''],
    );
  }
  return rows;
}

/** Things that make the run itself invalid (not the engine's figures): unsettled calls, egress. */
export function longRunProblems(p) {
  const problems = [];
  for (const scenario of p.scenarios) {
    for (const runner of ['anchor', 'ours']) {
      const r = p.results[scenario.id][runner];
      if (r.unsettled > 0) {
        problems.push(
          `${runner}, ${scenario.label}: ${r.unsettled} call(s) still pending ${p.config.drainMs} ms after the end`,
        );
      }
    }
  }
  if (p.egress?.length > 0) problems.push(`non-loopback traffic: ${JSON.stringify(p.egress)}`);
  return problems;
}

export function longRunNotes(p) {
  const el = p.eventLoop;
  return (
    `workload 7: "blocked" = a getToken call that took more than ${p.config.blockedMs} ms from ` +
    `the call to its settling (the emulator adds ${p.config.latencyMs} ms to every response; a ` +
    `cache answer takes microseconds); "with no acquisition": blocked while our engine had no ` +
    `acquisition in flight (an event-loop stall). Event-loop delay in the measured process ` +
    `(both libraries, all scenarios): p50 ${fmt(el.p50Ms)} ms, p99 ${fmt(el.p99Ms)} ms, ` +
    `max ${fmt(el.maxMs)} ms; measured wall time ${fmt(p.wallMs / 1000)} s; machine load ` +
    `average ${fmt(p.loadAverage.before)} before, ${fmt(p.loadAverage.after)} after.`
  );
}

// ============================================================================================
// Child: the measured process. Both libraries, every scenario, at once.
// ============================================================================================

function errorKey(error) {
  const name = error?.name ?? typeof error;
  const status = error?.statusCode ?? error?.status;
  // The OAuth error: from errorResponse (ours), else from the start of the message. The anchor's
  // AuthenticationRequiredError carries MSAL's message: "temporarily_unavailable: ..." for the
  // authority's own answer, "90033: ..." (the error_codes) when msal-common's throttling cache
  // refused the request before sending it (ThrottlingUtils.preProcess, 60 s after a 429/5xx).
  const lead = /^(\w+):/.exec(String(error?.message ?? ''))?.[1];
  const oauth =
    error?.errorResponse?.error ??
    (lead && /^\d+$/.test(lead) ? `${lead} (MSAL throttle, no request)` : lead);
  const code = typeof error?.code === 'string' ? error.code : undefined;
  return [name, status, oauth, code && `[${code}]`].filter((x) => x !== undefined).join(' ');
}

function addError(groups, error) {
  const key = errorKey(error);
  const group = (groups[key] ??= { count: 0, firstMessage: undefined });
  group.count += 1;
  group.firstMessage ??= String(error?.message ?? error)
    .split('\n')
    .slice(0, 2)
    .join(' ')
    .slice(0, 300);
}

/** getToken every intervalMs for durationMs; returns a promise of its figures once drained. */
function callLoop(credential, config, hrnow, acquisitions) {
  const latencies = [];
  const errorGroups = {};
  const blockedIndexes = [];
  const inFlight = new Set();
  const distinct = new Set();
  let ticks = 0;
  let skipped = 0;
  let calls = 0;
  let fulfilled = 0;
  let errors = 0;
  let blocked = 0;
  let blockedAfterFirst = 0; // blocked calls issued after the first token was handed out
  // Ours only: blocked calls during which the engine had no acquisition in flight and started
  // none, so the wait was this process's event loop, not the network.
  let blockedWithoutAcquisition = 0;
  let firstTokenAt; // hrtime of the first token handed out
  let firstCallMs;
  let expiredAtHandOut = 0;
  let minRemainingMs = Infinity;
  let maxInFlightSeen = 0;
  let firstErrorAtMs; // since the start, when the first call failed
  let lastSuccessAtMs;
  let fulfilledAfterFirstError = 0;

  const tick = () => {
    ticks += 1;
    if (inFlight.size >= config.maxInFlight) {
      skipped += 1;
      return;
    }
    const index = calls++;
    const t0 = hrnow();
    const acqBefore = acquisitions && {
      started: acquisitions.started,
      idle: acquisitions.inFlight === 0,
    };
    const settle = (ok) => {
      const t1 = hrnow();
      const latencyMs = Number(t1 - t0) / 1e6;
      latencies.push(latencyMs);
      if (index === 0) firstCallMs = latencyMs;
      if (latencyMs > config.blockedMs) {
        blocked += 1;
        if (blockedIndexes.length < 20) blockedIndexes.push(index);
        if (firstTokenAt !== undefined && t0 > firstTokenAt) blockedAfterFirst += 1;
        if (acqBefore?.idle && acquisitions.started === acqBefore.started) {
          blockedWithoutAcquisition += 1;
        }
      }
      if (ok && firstTokenAt === undefined) firstTokenAt = t1;
    };
    const call = credential.getToken(config.scope).then(
      (token) => {
        const remaining = token.expiresOnTimestamp - Date.now();
        if (remaining <= 0) expiredAtHandOut += 1;
        minRemainingMs = Math.min(minRemainingMs, remaining);
        distinct.add(token.token);
        fulfilled += 1;
        lastSuccessAtMs = performance.now() - start;
        if (firstErrorAtMs !== undefined) fulfilledAfterFirstError += 1;
        settle(true);
      },
      (error) => {
        errors += 1;
        firstErrorAtMs ??= performance.now() - start;
        addError(errorGroups, error);
        settle(false);
      },
    );
    inFlight.add(call);
    maxInFlightSeen = Math.max(maxInFlightSeen, inFlight.size);
    call.finally(() => inFlight.delete(call));
  };

  // Paced on absolute deadlines (start + n × interval), so timer drift does not thin the calls
  // out: a late tick is followed by the next one as soon as its deadline has come.
  const start = performance.now();
  const totalTicks = Math.floor(config.durationMs / config.intervalMs);
  // The loop ends after its last tick and once durationMs have passed, whichever is later, so a
  // loaded machine cannot cut the last tick off.
  let endLoop;
  const ended = new Promise((resolve) => (endLoop = resolve));
  const schedule = () => {
    tick();
    if (ticks >= totalTicks) {
      setTimeout(endLoop, Math.max(0, start + config.durationMs - performance.now()));
      return;
    }
    const deadline = start + ticks * config.intervalMs;
    setTimeout(schedule, Math.max(0, deadline - performance.now()));
  };
  schedule();
  return new Promise((resolve) => {
    ended.then(async () => {
      const drainStart = Date.now();
      let drainTimer;
      const bound = new Promise((r) => (drainTimer = setTimeout(r, config.drainMs)));
      await Promise.race([Promise.allSettled([...inFlight]), bound]);
      clearTimeout(drainTimer);
      const sorted = Float64Array.from(latencies).sort();
      resolve({
        ticks,
        skipped,
        calls,
        fulfilled,
        errors,
        unsettled: inFlight.size,
        errorGroups,
        blocked,
        blockedAfterFirst,
        blockedWithoutAcquisition: acquisitions ? blockedWithoutAcquisition : undefined,
        firstBlockedIndexes: blockedIndexes,
        firstCallMs,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted.length > 0 ? sorted[sorted.length - 1] : undefined,
        meanMs: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
        expiredAtHandOut,
        minRemainingMs: Number.isFinite(minRemainingMs) ? minRemainingMs : undefined,
        distinctTokens: distinct.size,
        maxInFlight: maxInFlightSeen,
        firstErrorAtMs,
        lastSuccessAtMs,
        fulfilledAfterFirstError,
        drainMs: Date.now() - drainStart,
      });
    });
  });
}

/**
 * Holds credential.token$(scope) for durationMs. A gap: the held token expired before the next
 * one arrived (or before the end). After an error the stream is subscribed again 1 s later.
 */
function streamWatch(credential, config) {
  const start = Date.now();
  const errorGroups = {};
  let subscription;
  let resubscribeTimer;
  let current; // { expiresOnTimestamp, token }
  let tokens = 0;
  let errors = 0;
  let gaps = 0;
  let uncoveredMs = 0;
  let expiredOnArrival = 0;
  let minLeadMs = Infinity; // how long before the held token's expiry the next one came
  let firstTokenMs;
  const distinct = new Set();
  const subscribe = () => {
    subscription = credential.token$(config.scope).subscribe({
      next: (token) => {
        const now = Date.now();
        tokens += 1;
        firstTokenMs ??= now - start;
        if (token.expiresOnTimestamp <= now) expiredOnArrival += 1;
        if (current && token.token !== current.token) {
          const lead = current.expiresOnTimestamp - now;
          if (lead < 0) {
            gaps += 1;
            uncoveredMs += -lead;
          }
          minLeadMs = Math.min(minLeadMs, lead);
        }
        distinct.add(token.token);
        current = { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp };
      },
      error: (error) => {
        errors += 1;
        addError(errorGroups, error);
        resubscribeTimer = setTimeout(subscribe, 1000);
      },
    });
  };
  subscribe();
  return new Promise((resolve) => {
    setTimeout(() => {
      clearTimeout(resubscribeTimer);
      subscription?.unsubscribe();
      const end = Date.now();
      let endGap = false;
      if (!current) uncoveredMs = end - start;
      else if (current.expiresOnTimestamp < end) {
        gaps += 1;
        endGap = true;
        uncoveredMs += end - current.expiresOnTimestamp;
      }
      resolve({
        tokens,
        distinctTokens: distinct.size,
        errors,
        errorGroups,
        gaps,
        endGap,
        uncoveredMs,
        expiredOnArrival,
        firstTokenMs,
        minLeadMs: Number.isFinite(minLeadMs) ? minLeadMs : undefined,
      });
    }, config.durationMs);
  });
}

async function child() {
  const { watchEgress } = await import('./egress.mjs');
  const egress = watchEgress();
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const { ClientSecretCredential: AzureClientSecretCredential } = await import('@azure/identity');
  const { ClientSecretCredential, TokenManager } = await import('../dist/esm/index.js');
  const { config, scenarios, targets } = JSON.parse(
    readFileSync(env.BENCH_LONG_CHILD_CONFIG, 'utf8'),
  );
  for (const t of targets) {
    if (new URL(t.authorityHost).hostname !== '127.0.0.1') {
      throw new Error(`The authority host must be 127.0.0.1: ${t.authorityHost}`);
    }
  }
  const hrnow = () => process.hrtime.bigint();
  const closers = [];
  const make = (t) => {
    if (t.runner === 'anchor') {
      // disableInstanceDiscovery: without it MSAL asks login.microsoftonline.com (leaves loopback).
      return new AzureClientSecretCredential(t.tenantId, t.clientId, t.clientSecret, {
        authorityHost: t.authorityHost,
        disableInstanceDiscovery: true,
        tlsOptions: { ca: t.ca },
      });
    }
    const manager = new TokenManager();
    const credential = new ClientSecretCredential(t.tenantId, t.clientId, t.clientSecret, {
      authorityHost: t.authorityHost,
      tlsOptions: { ca: t.ca },
      tokenManager: manager,
    });
    const engineEvents = {};
    const acquisitions = { inFlight: 0, started: 0 };
    const sub = credential.events$.subscribe((event) => {
      if (event.type === 'cache-hit' || event.type === 'cache-miss') return;
      engineEvents[event.type] = (engineEvents[event.type] ?? 0) + 1;
      if (event.type === 'acquisition-started') {
        acquisitions.inFlight += 1;
        acquisitions.started += 1;
      } else if (event.type === 'acquisition-succeeded' || event.type === 'acquisition-failed') {
        acquisitions.inFlight = Math.max(0, acquisitions.inFlight - 1);
      }
    });
    closers.push(async () => {
      sub.unsubscribe();
      await credential.close();
      await manager.close();
    });
    credential.engineEvents = engineEvents;
    credential.acquisitions = acquisitions;
    return credential;
  };
  const credentials = targets.map((t) => ({ t, credential: make(t) }));
  const resolutionMs = 10;
  const delay = monitorEventLoopDelay({ resolution: resolutionMs });
  delay.enable();
  const wallStart = Date.now();
  const figures = await Promise.all(
    credentials.map(async ({ t, credential }) => {
      const r =
        t.runner === 'oursStream'
          ? await streamWatch(credential, config)
          : await callLoop(credential, config, hrnow, credential.acquisitions);
      if (credential.engineEvents) r.engineEvents = { ...credential.engineEvents };
      return { t, r };
    }),
  );
  const wallMs = Date.now() - wallStart;
  delay.disable();
  for (const close of closers) await close();
  const results = {};
  for (const s of scenarios) results[s.id] = {};
  for (const { t, r } of figures) results[t.scenario][t.runner] = r;
  return {
    results,
    wallMs,
    // The histogram holds the time between samples; minus the sampling interval, the delay.
    eventLoop: {
      resolutionMs,
      p50Ms: Math.max(0, delay.percentile(50) / 1e6 - resolutionMs),
      p99Ms: Math.max(0, delay.percentile(99) / 1e6 - resolutionMs),
      maxMs: Math.max(0, delay.max / 1e6 - resolutionMs),
    },
    egress,
  };
}

// ============================================================================================
// Entry points.
// ============================================================================================

async function standalone() {
  const p = await runLongRun();
  const header = ['workload / figure', '@azure/identity 4.13.0', 'reactive-identity', 'ratio'];
  console.log(markdownTable(header, longRunRows(p)));
  console.log(`\n${longRunNotes(p)}`);
  const out = join(here, 'results-longrun.json');
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, ...p }, null, 2)}\n`,
  );
  console.log(`results: benchmarks/results-longrun.json (${fmt(p.durationMs / 1000)} s)`);
  const problems = longRunProblems(p);
  if (problems.length > 0) {
    console.error('Long-run workload problems:\n  ' + problems.join('\n  '));
    process.exitCode = 1;
  }
}

if (process.argv[1] === SELF) {
  if (process.argv.includes('--child')) {
    child().then(
      (body) => process.send({ type: 'results', body }, () => process.exit(0)),
      (error) =>
        process.send({ type: 'error', body: String(error?.stack ?? error) }, () => process.exit(1)),
    );
  } else {
    standalone().catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
  }
}
