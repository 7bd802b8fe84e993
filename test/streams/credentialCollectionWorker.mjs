// A child process (run with --expose-gc) that builds credentials of one identity the way users of
// @azure/identity do, one per request and never closed, on the BUILT library (dist/esm), and
// reports how many of them the garbage collector reclaimed. Configuration in WORKER_CONFIG.
import {
  ClientSecretCredential,
  DefaultAzureCredential,
  getDefaultTokenManager,
  TokenManager,
} from '../../dist/esm/index.js';

const config = JSON.parse(process.env.WORKER_CONFIG ?? '{}');
let collected = 0;
const watched = new FinalizationRegistry(() => collected++);

function build(tokenManager) {
  const options = {
    authorityHost: config.authorityHost,
    tlsOptions: { ca: config.ca },
    tokenManager,
  };
  const credential =
    config.credential === 'DefaultAzureCredential'
      ? // Its environment link answers first; managed identity would be asked on loopback only.
        new DefaultAzureCredential({
          ...options,
          env: {
            AZURE_TENANT_ID: config.tenantId,
            AZURE_CLIENT_ID: config.clientId,
            AZURE_CLIENT_SECRET: config.secret,
            AZURE_POD_IDENTITY_AUTHORITY_HOST: config.authorityHost,
          },
        })
      : new ClientSecretCredential(config.tenantId, config.clientId, config.secret, {
          ...options,
          env: {},
        });
  watched.register(credential, undefined);
  return credential;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Full collections, with turns between them so that finalization callbacks run. */
async function collect() {
  for (let i = 0; i < 10; i++) {
    globalThis.gc();
    await turn();
  }
}

// One request of a service: a credential built for it, one token, and the credential dropped.
async function request(tokenManager) {
  return (await build(tokenManager).getToken(config.scope)).token;
}

async function sequential() {
  const tokens = new Set();
  for (let i = 0; i < config.count; i++) {
    tokens.add(await request(undefined));
    // Collections mid-loop: later instances find the identity's earlier ones gone.
    if (i % 500 === 499) await collect();
  }
  await collect();
  return { collected, tokens: tokens.size, streams: getDefaultTokenManager().snapshot().length };
}

async function concurrent() {
  // Short backoff: the authority's first answer is a 503, so every caller waits through a retry.
  const tokenManager = new TokenManager({ retryInitialDelayMs: 100, retryMaxDelayMs: 100 });
  // Nothing but the waiting callers refers to these credentials while the collector runs.
  const calls = Array.from({ length: config.count }, () =>
    build(tokenManager)
      .getToken(config.scope)
      .then(
        (token) => ({ token: token.token }),
        (error) => ({ error: error?.name }),
      ),
  );
  const collector = setInterval(() => globalThis.gc(), 5);
  const results = await Promise.all(calls);
  clearInterval(collector);
  await collect();
  return {
    collected,
    tokens: new Set(results.map((r) => r.token)).size,
    errors: results.filter((r) => r.error !== undefined).map((r) => r.error),
    streams: tokenManager.snapshot().length,
  };
}

async function subscribed() {
  const tokenManager = new TokenManager();
  const seen = [];
  let completed = false;
  // The subscription is all that refers to its credential: the credential acquires its refreshes.
  const subscription = build(tokenManager)
    .token$(config.scope)
    .subscribe({
      next: (token) => seen.push(token.token),
      complete: () => (completed = true),
    });
  while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  await collect();
  const whileSubscribed = { collected, completed, streams: tokenManager.snapshot().length };
  subscription.unsubscribe();
  await collect();
  return { whileSubscribed, afterUnsubscribe: { collected, completed } };
}

const modes = { sequential, concurrent, subscribed };
const run = modes[config.mode];
run().then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error) => {
    process.stdout.write(`${JSON.stringify({ failed: error?.name, message: error?.message })}\n`);
    process.exitCode = 1;
  },
);
