// A fresh process that loads the BUILT library (dist, ESM or CommonJS as WORKER_CONFIG.format
// says), makes a ClientCertificateCredential, optionally gets one token, and prints one line: the
// npm packages it had loaded after construction and after the token, and whether the global
// Reflect was patched.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const config = JSON.parse(process.env.WORKER_CONFIG ?? '{}');

/** The packages whose CommonJS modules are loaded (ESM imports of CommonJS land here too). */
function packages() {
  const names = Object.keys(require.cache).map(
    (path) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1],
  );
  return [...new Set(names.filter((name) => name !== undefined))].sort();
}

const library =
  config.format === 'commonjs'
    ? require(join(ROOT, 'dist', 'commonjs', 'index.js'))
    : await import(pathToFileURL(join(ROOT, 'dist', 'esm', 'index.js')).href);
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
    afterConstruct,
    afterToken: packages(),
    reflectPatched: typeof Reflect.getMetadata === 'function',
  })}\n`,
);
process.exit(0);
