// A process that takes one token through the Redis layer (REDIS_URL) and then simply returns:
// it must exit by itself, whether Redis answers or not (the layer's sockets and timers never
// hold Node). Prints one JSON line.
import { ClientSecretCredential } from '../../dist/esm/index.js';

const config = JSON.parse(process.env.WORKER_CONFIG ?? '{}');
const credential = new ClientSecretCredential(config.tenantId, config.clientId, config.secret, {
  authorityHost: config.authorityHost,
  tlsOptions: { ca: config.ca },
  // The Redis layer's key comes from the credential's env.
  env: { REACTIVE_IDENTITY_CACHE_KEY: process.env.REACTIVE_IDENTITY_CACHE_KEY },
  distributedCache: { url: config.redisUrl, timeoutMs: 500 },
});
const events = [];
credential.events$.subscribe((e) => events.push(e.type));
const token = await credential.getToken('https://storage.azure.com/.default');
process.stdout.write(`${JSON.stringify({ ok: token.token.length > 0, events })}\n`);
