// The measured side of the benchmark. Started by run.mjs as a child process (with IPC and
// NODE_EXTRA_CA_CERTS) while the emulator runs in the parent, so that the emulator's work never
// shares this event loop. Both libraries run here, one after the other, against one emulator.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import process from 'node:process';
import { ClientSecretCredential as AzureClientSecretCredential } from '@azure/identity';
import { ClientSecretCredential, TokenManager } from '../dist/esm/index.js';
import { watchEgress } from './egress.mjs';
import { combineRounds, summarize } from './stats.mjs';

const env = process.env;
const config = {
  authorityHost: env.BENCH_AUTHORITY,
  tenantId: env.BENCH_TENANT,
  clientId: env.BENCH_CLIENT_ID,
  clientSecret: env.BENCH_CLIENT_SECRET,
  ca: readFileSync(env.BENCH_CA_FILE, 'utf8'),
  scope: 'https://storage.azure.com/.default',
  sequentialCalls: Number(env.BENCH_SEQUENTIAL ?? 20_000),
  concurrentCallers: Number(env.BENCH_CALLERS ?? 100),
  callsPerCaller: Number(env.BENCH_CALLS_PER_CALLER ?? 200),
  herdSize: Number(env.BENCH_HERD ?? 1000),
  warmupCalls: Number(env.BENCH_WARMUP ?? 5000),
  rounds: Number(env.BENCH_ROUNDS ?? 5),
  herdRounds: Number(env.BENCH_HERD_ROUNDS ?? 3),
};

// ---- Egress guard: every outbound socket of this process must end on loopback. ----
const egress = watchEgress();
if (isIP(new URL(config.authorityHost).hostname) === 0) {
  throw new Error(`The authority host must be an IP literal on loopback: ${config.authorityHost}`);
}

// ---- IPC with the parent (which owns the emulator's counters). ----
let nextId = 0;
const pending = new Map();
process.on('message', (message) => {
  const resolve = pending.get(message?.id);
  if (resolve) {
    pending.delete(message.id);
    resolve(message.body);
  }
});
function ask(type) {
  const id = ++nextId;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    process.send({ id, type });
  });
}

// ---- The two libraries behind one face. ----
const libraries = {
  ours: {
    label: 'reactive-identity',
    create() {
      const manager = new TokenManager();
      const credential = new ClientSecretCredential(
        config.tenantId,
        config.clientId,
        config.clientSecret,
        {
          authorityHost: config.authorityHost,
          tlsOptions: { ca: config.ca },
          tokenManager: manager,
        },
      );
      return {
        credential,
        close: async () => {
          await credential.close();
          await manager.close();
        },
      };
    },
  },
  anchor: {
    label: '@azure/identity 4.13.0',
    create() {
      // disableInstanceDiscovery puts the authority into MSAL's knownAuthorities: without it
      // MSAL 3.8.10 asks login.microsoftonline.com for instance metadata (leaves loopback).
      const credential = new AzureClientSecretCredential(
        config.tenantId,
        config.clientId,
        config.clientSecret,
        {
          authorityHost: config.authorityHost,
          disableInstanceDiscovery: true,
          tlsOptions: { ca: config.ca },
        },
      );
      // The anchor has no close(); its keep-alive sockets end with this process.
      return { credential, close: async () => {} };
    },
  },
};

const now = () => process.hrtime.bigint();
const gc = () => globalThis.gc?.();

async function warm(credential) {
  await credential.getToken(config.scope);
  for (let i = 0; i < config.warmupCalls; i++) await credential.getToken(config.scope);
}

/** Workload 1: one caller, N sequential cached getToken calls. */
async function sequential(credential) {
  const n = config.sequentialCalls;
  const latencies = new Float64Array(n);
  gc();
  const start = now();
  for (let i = 0; i < n; i++) {
    const t0 = now();
    await credential.getToken(config.scope);
    latencies[i] = Number(now() - t0);
  }
  const wallNs = Number(now() - start);
  return { calls: n, wallMs: wallNs / 1e6, opsPerSec: n / (wallNs / 1e9), ...summarize(latencies) };
}

/** Workload 2: C concurrent callers, each M cached getToken calls in a row. */
async function concurrent(credential) {
  const callers = config.concurrentCallers;
  const perCaller = config.callsPerCaller;
  const latencies = new Float64Array(callers * perCaller);
  const loop = async (c) => {
    for (let i = 0; i < perCaller; i++) {
      const t0 = now();
      await credential.getToken(config.scope);
      latencies[c * perCaller + i] = Number(now() - t0);
    }
  };
  gc();
  const start = now();
  await Promise.all(Array.from({ length: callers }, (_, c) => loop(c)));
  const wallNs = Number(now() - start);
  const calls = callers * perCaller;
  return {
    callers,
    calls,
    wallMs: wallNs / 1e6,
    opsPerSec: calls / (wallNs / 1e9),
    ...summarize(latencies),
  };
}

/** Workload 3: a fresh credential, H concurrent getToken calls on one key. */
async function coldHerd(lib) {
  const { credential, close } = lib.create();
  gc();
  await ask('reset');
  const start = now();
  const settled = await Promise.allSettled(
    Array.from({ length: config.herdSize }, () => credential.getToken(config.scope)),
  );
  const wallNs = Number(now() - start);
  const counters = await ask('counters');
  await close();
  const fulfilled = settled.filter((s) => s.status === 'fulfilled');
  const rejected = settled.filter((s) => s.status === 'rejected');
  return {
    callers: config.herdSize,
    wallMs: wallNs / 1e6,
    tokenRequests: counters.token,
    discoveryRequests: counters.discovery,
    openidRequests: counters.openid,
    metadataRequests: counters.discovery + counters.openid,
    totalRequests: counters.total,
    succeeded: fulfilled.length,
    failed: rejected.length,
    firstError: rejected[0] ? String(rejected[0].reason?.message ?? rejected[0].reason) : undefined,
    distinctTokens: new Set(fulfilled.map((s) => s.value.token)).size,
  };
}

async function main() {
  const keys = ['ours', 'anchor'];
  const rounds = Object.fromEntries(
    keys.map((key) => [key, { sequential: [], concurrent: [], coldHerd: [] }]),
  );
  // Cached workloads: one warmed credential per library, both warmed before any timing. Rounds
  // alternate which library goes first, so neither always runs on a fresher heap.
  const instances = {};
  for (const key of keys) {
    instances[key] = libraries[key].create();
    await warm(instances[key].credential);
  }
  for (let round = 0; round < config.rounds; round++) {
    const order = round % 2 === 0 ? keys : [...keys].reverse();
    for (const key of order) {
      rounds[key].sequential.push(await sequential(instances[key].credential));
    }
    for (const key of order) {
      rounds[key].concurrent.push(await concurrent(instances[key].credential));
    }
  }
  for (const key of keys) await instances[key].close();
  for (let round = 0; round < config.herdRounds; round++) {
    const order = round % 2 === 0 ? keys : [...keys].reverse();
    for (const key of order) rounds[key].coldHerd.push(await coldHerd(libraries[key]));
  }
  // Reported figure = median over rounds; request counts and failures = worst round.
  const herdWorst = {
    tokenRequests: 'max',
    discoveryRequests: 'max',
    openidRequests: 'max',
    metadataRequests: 'max',
    totalRequests: 'max',
    succeeded: 'min',
    failed: 'max',
    distinctTokens: 'max',
  };
  const results = {};
  for (const key of keys) {
    results[key] = {
      sequential: combineRounds(rounds[key].sequential),
      concurrent: combineRounds(rounds[key].concurrent),
      coldHerd: combineRounds(rounds[key].coldHerd, herdWorst),
    };
  }
  return {
    config: { ...config, ca: undefined, clientSecret: undefined },
    results,
    rounds,
    egress,
  };
}

main().then(
  (body) => process.send({ type: 'results', body }, () => process.exit(0)),
  (error) => {
    process.send({ type: 'error', body: String(error?.stack ?? error) }, () => process.exit(1));
  },
);
