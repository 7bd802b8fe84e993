// Workload 8: one fresh process of one library, forked by benchmarks/startup.mjs with its
// configuration in BENCH_STARTUP_CONFIG (JSON) and NODE_EXTRA_CA_CERTS set to the emulator's CA.
// It times, with performance.now(), the three things a service does first: the import of the
// package entry, the construction of a ClientSecretCredential, and its first getToken against the
// emulator. Nothing of either library is loaded before the import: this file's own imports are
// Node built-ins and the loopback guard.
//
// With `inventory: true` the process also lists the modules it has loaded after each phase (and
// is not timed: the hook slows loading down). ES modules are seen by a `load` hook registered with
// module.register() (it runs on the loader thread and posts each URL back over a MessagePort,
// drained synchronously with receiveMessageOnPort); CommonJS modules are the keys of require.cache
// (a require() inside a CommonJS package does not pass through the ESM hooks on Node 20, and an
// ESM import of CommonJS lands in require.cache too). The union, by file, is what was loaded.
import { readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { watchEgress } from './egress.mjs';

const startedAt = performance.now();
const egress = watchEgress();
const config = JSON.parse(process.env.BENCH_STARTUP_CONFIG ?? '{}');
const ca = readFileSync(config.caFile, 'utf8');
const require = createRequire(import.meta.url);

// ---- Module inventory (inventory mode only). ----
const loadedFiles = new Set();
let hookPort;
if (config.inventory) {
  const { port1, port2 } = new MessageChannel();
  register('./startupHooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });
  hookPort = port1;
  hookPort.unref();
}

/** Files loaded so far (ES modules from the hook, CommonJS from require.cache), this file aside. */
function inventory() {
  for (let m = receiveMessageOnPort(hookPort); m; m = receiveMessageOnPort(hookPort)) {
    if (m.message.startsWith('file:')) loadedFiles.add(fileURLToPath(m.message));
  }
  for (const path of Object.keys(require.cache)) loadedFiles.add(path);
  const bench = fileURLToPath(new URL('.', import.meta.url));
  const files = [...loadedFiles].filter((path) => !path.startsWith(bench));
  const packages = {};
  for (const path of files) {
    // The package is named by the last node_modules segment (the anchor's own msal-node lives
    // under node_modules/@azure/identity/node_modules); the library's own files are `(dist)`.
    const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    const name = match ? match[1] : '(dist)';
    packages[name] = (packages[name] ?? 0) + 1;
  }
  return { modules: files.length, packages };
}

// ---- The library under test. ----
async function load() {
  if (config.library === 'anchor') return import('@azure/identity');
  if (config.library === 'ours') return import('../dist/esm/index.js');
  if (config.library === 'oursCommonjs') return require('../dist/commonjs/index.js');
  throw new Error(`unknown library ${config.library}`);
}

function construct({ ClientSecretCredential }) {
  const { tenantId, clientId, clientSecret, authorityHost } = config;
  if (config.library === 'anchor') {
    // disableInstanceDiscovery keeps MSAL on loopback (see BENCHMARKS.md, "Staying on loopback").
    return new ClientSecretCredential(tenantId, clientId, clientSecret, {
      authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca },
    });
  }
  return new ClientSecretCredential(tenantId, clientId, clientSecret, {
    authorityHost,
    tlsOptions: { ca },
    env: {},
  });
}

async function main() {
  const result = { library: config.library, inventory: Boolean(config.inventory) };
  // performance.now() counts from this process's time origin (its start): Node's own start-up.
  result.nodeStartMs = startedAt;
  const t0 = performance.now();
  const module = await load();
  const t1 = performance.now();
  if (config.inventory) result.atImport = inventory();
  const credential = construct(module);
  const t2 = performance.now();
  if (config.inventory) result.afterConstruct = inventory();
  let token;
  try {
    token = await credential.getToken(config.scope);
  } catch (error) {
    result.error = String(error?.message ?? error);
  }
  const t3 = performance.now();
  if (config.inventory) result.afterToken = inventory();
  result.importMs = t1 - t0;
  result.constructMs = t2 - t1;
  result.firstTokenMs = t3 - t2;
  result.totalMs = t3 - t0;
  result.sinceProcessStartMs = t3;
  result.gotToken = typeof token?.token === 'string' && token.token.length > 0;
  result.egress = egress;
  return result;
}

main().then(
  (body) => process.send({ type: 'results', body }, () => process.exit(0)),
  (error) => {
    process.send({ type: 'error', body: String(error?.stack ?? error) }, () => process.exit(1));
  },
);
