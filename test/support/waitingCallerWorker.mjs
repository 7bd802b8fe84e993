// A child process whose only work is one wait for a token, on the BUILT library (dist/esm), with
// the configuration in WORKER_CONFIG. It never calls process.exit: when the event loop empties, the
// process ends by itself, so a wait that does not hold the loop shows as a silent exit 0 with no
// line printed. Its own code path sets exit code 1 on a rejection.
import { ClientSecretCredential, TokenManager } from '../../dist/esm/index.js';

const config = JSON.parse(process.env.WORKER_CONFIG ?? '{}');
const credential = new ClientSecretCredential(config.tenantId, config.clientId, config.secret, {
  authorityHost: config.authorityHost,
  tlsOptions: { ca: config.ca },
  env: {},
  // Short backoff so the test does not sit through the default 1 s, 2 s, 4 s.
  tokenManager: new TokenManager({ retryInitialDelayMs: 100, retryMaxDelayMs: 400 }),
});

function report(line) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function wait() {
  if (config.mode === 'stream') {
    return new Promise((resolve, reject) => {
      const subscription = credential.token$(config.scope).subscribe({
        next: (token) => {
          subscription?.unsubscribe();
          resolve(token);
        },
        error: reject,
      });
    });
  }
  return credential.getToken(config.scope);
}

wait().then(
  (token) =>
    report({
      outcome: 'token',
      length: token.token.length,
      expiresOnTimestamp: token.expiresOnTimestamp,
    }),
  (error) => {
    report({
      outcome: 'error',
      name: error?.name,
      code: error?.code,
      statusCode: error?.statusCode,
    });
    process.exitCode = 1;
  },
);
