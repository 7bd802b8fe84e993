// A child process for the disk key lock's wait: runs the BUILT library with its own engine and a
// persistent cache, asks for a token with WORKER_CONFIG's settings, prints one JSON line, then
// closes the engine and prints another. It never calls process.exit: the test checks that the
// process ends by itself.
import { ClientSecretCredential, TokenManager } from '../../dist/esm/index.js';

const config = JSON.parse(process.env.WORKER_CONFIG ?? '{}');
const manager = new TokenManager({ persistence: config.persistence });
const credential = new ClientSecretCredential(config.tenantId, config.clientId, config.secret, {
  authorityHost: config.authorityHost,
  tlsOptions: { ca: config.ca },
  env: {},
  tokenManager: manager,
});
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

const abort = new AbortController();
if (config.abortAfterMs !== undefined) setTimeout(() => abort.abort(), config.abortAfterMs);
// Or the engine is closed while the call waits.
if (config.closeAfterMs !== undefined) setTimeout(() => void manager.close(), config.closeAfterMs);
try {
  const token = await credential.getToken(config.scope, { abortSignal: abort.signal });
  print({ token: token.token.length > 0 });
} catch (error) {
  print({ error: String(error?.name) });
}
await manager.close();
print({ closed: true });
