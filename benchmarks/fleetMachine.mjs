// Workload 10: one "machine" of a fleet, started by benchmarks/fleet.mjs with its configuration in
// BENCH_FLEET_CONFIG (JSON), its own HOME and cache folder, and NODE_EXTRA_CA_CERTS set to the
// emulator's CA. It imports one library, builds a ClientSecretCredential (ours with or without
// `distributedCache`, or @azure/identity 4.13.0), reports 'ready', waits for the parent's common
// start time ('go'), then:
//   - times its first getToken (time to first token);
//   - ours: calls getToken every `callEveryMs` until the end (the engine refreshes proactively and
//     answers from memory in between);
//   - the anchor: calls getToken once per refresh window (k × windowMs after its first token). With tokens
//     this short MSAL's cache never answers (it treats a token as expired 5 minutes before its
//     expiry), so any more often and every call would be a token request: once per window is
//     the anchor's best case.
// It tells the parent when it has its first token ('first'), runs `windows` windows from then, and
// reports each token it saw (a short SHA-256 prefix and when it first saw it), errors, where
// its first token came from (ours: by the engine's events) and any non-loopback socket.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { watchEgress } from './egress.mjs';

const egress = watchEgress();
const config = JSON.parse(process.env.BENCH_FLEET_CONFIG ?? '{}');
const ca = readFileSync(config.caFile, 'utf8');
const digest = (token) => createHash('sha256').update(token).digest('hex').slice(0, 16);
const sleepUntil = (at) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
const ours = config.library === 'ours';

async function build() {
  const t0 = performance.now();
  const module = ours ? await import('../dist/esm/index.js') : await import('@azure/identity');
  const importMs = performance.now() - t0;
  const { tenantId, clientId, clientSecret, authorityHost, redisUrl } = config;
  const options = ours
    ? {
        authorityHost,
        tlsOptions: { ca },
        env: {},
        ...(redisUrl ? { distributedCache: { url: redisUrl, encryptionKey: config.key } } : {}),
      }
    : { authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca } };
  const credential = new module.ClientSecretCredential(tenantId, clientId, clientSecret, options);
  const events = [];
  if (ours) {
    const distributedCache = options.distributedCache;
    module
      .getDefaultTokenManager(undefined, { distributedCache, env: {} })
      .events$.subscribe((e) => events.push({ type: e.type, layer: e.layer, outcome: e.outcome }));
  }
  return { credential, events, importMs };
}

async function main() {
  const { credential, events, importMs } = await build();
  const go = new Promise((resolve) =>
    process.on('message', (m) => m?.type === 'go' && resolve(m.startAt)),
  );
  process.send({ type: 'ready' });
  const startAt = await go;
  await sleepUntil(startAt);
  const lateMs = Date.now() - startAt;
  const seen = new Map();
  const errors = [];
  const call = async () => {
    try {
      const token = await credential.getToken(config.scope);
      const d = digest(token.token);
      if (!seen.has(d)) seen.set(d, Date.now() - startAt);
    } catch (error) {
      errors.push(String(error?.message ?? error).slice(0, 200));
    }
  };
  const t0 = performance.now();
  await call();
  const firstTokenMs = performance.now() - t0;
  const firstAt = Date.now();
  process.send({ type: 'first' });
  const firstEvents = events.splice(0);
  const source = firstEvents.some((e) => e.type === 'acquisition-succeeded')
    ? 'network'
    : firstEvents.find((e) => e.type === 'cache-hit')?.layer;
  const lock = firstEvents.find((e) => e.type === 'cache-lock')?.outcome;
  // Every machine runs `windows` refresh windows from its own first token.
  const endAt = firstAt + (config.windows + 0.5) * config.windowMs;
  let calls = 1;
  if (ours) {
    for (let at = Date.now() + config.callEveryMs; at < endAt; at += config.callEveryMs) {
      await sleepUntil(at);
      await call();
      calls++;
    }
  } else {
    for (let k = 1; k <= config.windows; k++) {
      await sleepUntil(firstAt + k * config.windowMs);
      await call();
      calls++;
    }
  }
  await sleepUntil(endAt);
  const degraded = events.filter((e) => e.type === 'cache-degraded').length;
  return {
    lateMs,
    importMs,
    firstTokenMs,
    source,
    lock,
    calls,
    errors,
    tokens: [...seen],
    degraded,
    egress,
  };
}

main().then(
  (body) => process.send({ type: 'results', body }, () => process.exit(0)),
  (error) =>
    process.send({ type: 'error', body: String(error?.stack ?? error) }, () => process.exit(1)),
);
