// One "machine" of the Redis fleet tests: a child process (forked, with IPC) that runs the BUILT
// library with its own HOME and cache folder, a ClientSecretCredential with the disk cache and
// the Redis layer (WORKER_CONFIG), and answers the parent's requests:
//   { op: 'token', id, scope, at? }  getToken (at the shared start time `at`, ms since the epoch)
//   { op: 'watch', id, scope }        subscribes token$ and remembers every token it emits
//   { op: 'watched', id, scope }      the digests token$ emitted so far, and each token's
//                                     remaining life (ms) when it came
//   { op: 'events', id }              the engine's events so far (type, layer, outcome, operation)
// and prints nothing. Tokens travel back as a SHA-256 prefix, plus the token itself for the
// parent's plaintext search of Redis.
import { createHash } from 'node:crypto';
import { ClientSecretCredential, getDefaultTokenManager } from '../../dist/esm/index.js';

const CALL_BOUND_MS = 15_000;
const config = JSON.parse(process.env.WORKER_CONFIG ?? '{}');
const persistence = { enabled: true };
const distributedCache = config.redis;
// The credential reads nothing else of the environment; the Redis layer's key comes from its env.
const env = { REACTIVE_IDENTITY_CACHE_KEY: process.env.REACTIVE_IDENTITY_CACHE_KEY };
const credential = new ClientSecretCredential(config.tenantId, config.clientId, config.secret, {
  authorityHost: config.authorityHost,
  tlsOptions: { ca: config.ca },
  env,
  tokenCachePersistenceOptions: persistence,
  distributedCache,
});
const events = [];
getDefaultTokenManager(persistence, { distributedCache, env }).events$.subscribe((e) => {
  events.push({ type: e.type, layer: e.layer, outcome: e.outcome, operation: e.operation });
});
const watched = new Map();
const digest = (token) => createHash('sha256').update(token).digest('hex').slice(0, 16);

/** getToken, bounded: a call that does not settle in time is reported, never left hanging. */
async function token({ scope, at }) {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, (at ?? 0) - Date.now())));
  let bound;
  const timeout = new Promise((_, reject) => {
    bound = setTimeout(() => reject(new Error(`no token in ${CALL_BOUND_MS} ms`)), CALL_BOUND_MS);
  });
  try {
    const result = await Promise.race([credential.getToken(scope), timeout]);
    return { digest: digest(result.token), token: result.token };
  } finally {
    clearTimeout(bound);
  }
}

const ops = {
  token,
  watch: ({ scope }) => {
    const seen = { digests: [], lives: [] };
    watched.set(scope, seen);
    credential.token$(scope).subscribe({
      next: (t) => {
        seen.digests.push(digest(t.token));
        seen.lives.push(t.expiresOnTimestamp - Date.now());
      },
      error: (error) => seen.digests.push(`error ${error?.code ?? error}`),
    });
    return {};
  },
  watched: ({ scope }) => watched.get(scope) ?? { digests: [], lives: [] },
  events: () => ({ events }),
};

process.on('message', (message) => {
  const run = ops[message.op];
  Promise.resolve()
    .then(() => run(message))
    .then(
      (body) => process.send({ id: message.id, ...body }),
      (error) =>
        process.send({ id: message.id, error: `${error?.code ?? error?.name}: ${error?.message}` }),
    );
});
// Holds the process until the parent disconnects or kills it.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
