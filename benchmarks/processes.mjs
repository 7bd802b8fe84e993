// Workloads 5 and 6: one fresh process of one library, started by benchmarks/persistence.mjs with
// its configuration in BENCH_PROCESS_CONFIG (JSON) and NODE_EXTRA_CA_CERTS set to the emulator's
// CA. The library is imported after start-up (the import is timed too), then a
// ClientSecretCredential is built: ours with or without `tokenCachePersistenceOptions`, the
// anchor (@azure/identity 4.13.0) without persistence (its plugin cannot run on this machine, see
// BENCHMARKS.md).
//   - mode 'single': times the process's 1st getToken, then the 2nd (same scope); with
//     `settleMs`, the process idles that long after building the credential first;
//   - mode 'herd': builds the credential, reports 'ready', waits for the parent's common start
//     time ('go'), then times one getToken.
// For ours, the engine's events during each call are recorded too (where the token came from).
// Tokens are reported as short SHA-256 prefixes, never in clear.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { watchEgress } from './egress.mjs';

const egress = watchEgress();
const config = JSON.parse(process.env.BENCH_PROCESS_CONFIG ?? '{}');
const ca = readFileSync(config.caFile, 'utf8');
const since = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const digest = (token) => createHash('sha256').update(token).digest('hex').slice(0, 16);

async function load() {
  const t0 = process.hrtime.bigint();
  const module =
    config.library === 'ours'
      ? await import('../dist/esm/index.js')
      : config.library === 'anchor'
        ? await import('@azure/identity')
        : undefined;
  if (module === undefined) throw new Error(`unknown library ${config.library}`);
  return { module, importMs: since(t0) };
}

function construct(ClientSecretCredential) {
  const { tenantId, clientId, clientSecret, authorityHost } = config;
  if (config.library === 'anchor') {
    // disableInstanceDiscovery keeps MSAL on loopback (see "Staying on loopback").
    return new ClientSecretCredential(tenantId, clientId, clientSecret, {
      authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca },
    });
  }
  const options = { authorityHost, tlsOptions: { ca }, env: {} };
  if (config.persistence) {
    options.tokenCachePersistenceOptions = { enabled: true, ...config.persistence };
  }
  return new ClientSecretCredential(tenantId, clientId, clientSecret, options);
}

/**
 * Ours: the engine's events (ms from the start of the current call), to tell where the token came
 * from (a `cache-hit` on `disk`, or an acquisition) and when.
 */
function watchEvents(module) {
  const events = [];
  const watch = { events, t0: process.hrtime.bigint() };
  if (config.library === 'ours') {
    const manager = module.getDefaultTokenManager(
      config.persistence ? { enabled: true, ...config.persistence } : undefined,
    );
    manager.events$.subscribe((e) => {
      const at = Math.round(since(watch.t0) * 1000) / 1000;
      events.push(e.layer ? { at, type: e.type, layer: e.layer } : { at, type: e.type });
    });
  }
  return watch;
}

/** Where the call's token came from, by the engine's events (ours only). */
function source(events) {
  if (events.some((e) => e.type === 'acquisition-succeeded')) return 'network';
  const hit = events.find((e) => e.type === 'cache-hit');
  return hit ? hit.layer : undefined;
}

async function timedGetToken(credential, watch) {
  const first = watch.events.length;
  const t0 = process.hrtime.bigint();
  watch.t0 = t0;
  let outcome;
  try {
    const token = await credential.getToken(config.scope);
    outcome = { ms: since(t0), token: digest(token.token) };
  } catch (error) {
    outcome = { ms: since(t0), error: String(error?.message ?? error) };
  }
  if (config.library !== 'ours') return outcome;
  const events = watch.events.slice(first);
  return { ...outcome, source: source(events), events };
}

function waitForGo() {
  return new Promise((resolve) => {
    process.on('message', (message) => {
      if (message?.type === 'go') resolve(message.startAt);
    });
  });
}

async function main() {
  const { module, importMs } = await load();
  const c0 = process.hrtime.bigint();
  const credential = construct(module.ClientSecretCredential);
  const constructMs = since(c0);
  const watch = watchEvents(module);
  // Optionally let the process settle first: right after start-up, background work left by the
  // module loader (file handles closing on libuv's pool, V8's compiler and GC threads) competes
  // with the first call's file system work on this 2-vCPU machine.
  if (config.settleMs > 0) await new Promise((resolve) => setTimeout(resolve, config.settleMs));
  const result = { library: config.library, persistent: Boolean(config.persistence) };
  result.importMs = importMs;
  result.constructMs = constructMs;
  if (config.mode === 'single') {
    result.first = await timedGetToken(credential, watch);
    // performance.now() counts from this process's time origin (its start).
    result.firstDoneSinceStartMs = performance.now();
    if (!result.first.error) result.second = await timedGetToken(credential, watch);
  } else if (config.mode === 'herd') {
    const go = waitForGo();
    process.send({ type: 'ready' });
    const startAt = await go;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
    result.lateMs = Date.now() - startAt;
    result.call = await timedGetToken(credential, watch);
    result.doneAfterStartMs = Date.now() - startAt;
  } else {
    throw new Error(`unknown mode ${config.mode}`);
  }
  result.egress = egress;
  return result;
}

main().then(
  (body) => process.send({ type: 'results', body }, () => process.exit(0)),
  (error) => {
    process.send({ type: 'error', body: String(error?.stack ?? error) }, () => process.exit(1));
  },
);
