// A child process for multi-process tests: runs the BUILT library (dist/esm) with the
// configuration in WORKER_CONFIG and prints one JSON line with what happened.
import {
  ClientSecretCredential,
  DeviceCodeCredential,
  deserializeAuthenticationRecord,
} from '../../dist/esm/index.js';

const config = JSON.parse(process.env.WORKER_CONFIG ?? '{}');
const common = {
  authorityHost: config.authorityHost,
  tlsOptions: { ca: config.ca },
  env: {},
  tokenCachePersistenceOptions: { enabled: true, ...config.persistence },
};

async function run() {
  if (config.mode === 'secret') {
    const credential = new ClientSecretCredential(
      config.tenantId,
      config.clientId,
      config.secret,
      common,
    );
    // Start together: wait for the parent's go signal file to exist is overkill; a shared start time is enough.
    const wait = Math.max(0, (config.startAt ?? 0) - Date.now());
    await new Promise((resolve) => setTimeout(resolve, wait));
    const token = await credential.getToken(config.scope);
    return { token: token.token };
  }
  if (config.mode === 'silent-device-code') {
    let prompted = false;
    const credential = new DeviceCodeCredential({
      ...common,
      clientId: config.clientId,
      tenantId: config.tenantId,
      authenticationRecord: deserializeAuthenticationRecord(config.record),
      disableAutomaticAuthentication: true,
      userPromptCallback: () => {
        prompted = true;
      },
    });
    const token = await credential.getToken(config.scope);
    return { token: token.token, prompted };
  }
  throw new Error(`unknown mode ${config.mode}`);
}

run().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error) => {
    process.stdout.write(
      `${JSON.stringify({ error: String(error?.code ?? error?.name), message: String(error?.message) })}\n`,
    );
    process.exit(1);
  },
);
