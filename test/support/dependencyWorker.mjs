// A fresh process that loads the BUILT library (dist, ESM or CommonJS as WORKER_CONFIG.format
// says), makes a ClientCertificateCredential, optionally gets one token, and prints one line: the
// npm packages it had loaded after the import, after construction and after the token, and
// whether the global Reflect was patched.
import { createRequire, register } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const config = JSON.parse(process.env.WORKER_CONFIG ?? '{}');

// ES modules pass through the loader hooks; CommonJS modules required from CommonJS do not (on
// Node 20) but are in require.cache, as are CommonJS modules that ESM imports.
const { port1: hookPort, port2 } = new MessageChannel();
register('./moduleHooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });
const loadedUrls = new Set();

/** The packages whose modules (ESM or CommonJS) are loaded. */
function packages() {
  for (let m = receiveMessageOnPort(hookPort); m; m = receiveMessageOnPort(hookPort)) {
    if (m.message.startsWith('file:')) loadedUrls.add(fileURLToPath(m.message));
  }
  const names = [...loadedUrls, ...Object.keys(require.cache)].map(
    (path) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1],
  );
  return [...new Set(names.filter((name) => name !== undefined))].sort();
}

const library =
  config.format === 'commonjs'
    ? require(join(ROOT, 'dist', 'commonjs', 'index.js'))
    : await import(pathToFileURL(join(ROOT, 'dist', 'esm', 'index.js')).href);
const atImport = packages();
const credential = new library.ClientCertificateCredential(
  config.tenantId,
  config.clientId,
  config.source,
  { authorityHost: config.authorityHost, tlsOptions: { ca: config.ca }, env: {} },
);
const afterConstruct = packages();
if (config.getToken) await credential.getToken(config.scope);
process.stdout.write(
  `${JSON.stringify({
    atImport,
    afterConstruct,
    afterToken: packages(),
    reflectPatched: typeof Reflect.getMetadata === 'function',
  })}\n`,
);
process.exit(0);
