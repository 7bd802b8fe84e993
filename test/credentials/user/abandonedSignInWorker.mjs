// A child process that starts a device code sign-in on the BUILT library (dist/esm) and aborts it
// on SIGUSR2. It never calls process.exit: once the abort has settled, nothing may keep it alive
// (no polling loop, no timer), so it ends by itself.
import { DeviceCodeCredential } from '../../../dist/esm/index.js';

const config = JSON.parse(process.env.WORKER_CONFIG ?? '{}');
const report = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const controller = new AbortController();
// A signal listener does not hold the event loop.
process.once('SIGUSR2', () => controller.abort());

const credential = new DeviceCodeCredential({
  authorityHost: config.authorityHost,
  tlsOptions: { ca: config.ca },
  env: {},
  tenantId: config.tenantId,
  clientId: config.clientId,
  userPromptCallback: () => report({ outcome: 'prompt' }),
});

credential.getToken(config.scope, { abortSignal: controller.signal }).then(
  () => report({ outcome: 'token' }),
  (error) => report({ outcome: 'error', code: error?.code }),
);
