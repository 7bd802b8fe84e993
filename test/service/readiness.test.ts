import { randomUUID } from 'node:crypto';
import { ClientSecretCredential } from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { singleIdentitySource } from '../../src/service/tokenSources.js';
import { teardownAfterEach } from '../support/teardown.js';
import { TokenManagers } from '../support/tokenManagers.js';
import { send, startSidecar, type RawResponse } from './sidecarHarness.js';

const APP = { clientId: randomUUID(), clientSecret: 'readiness-secret' };
const VAULT = 'https://vault.azure.net/.default';
const GRAPH = 'https://graph.microsoft.com/.default';
let em: Emulator;
const managers = new TokenManagers({ retryInitialDelayMs: 50, retryMaxDelayMs: 200 });

beforeAll(async () => {
  // Three-second tokens: a failed refresh outlives its token within a few seconds.
  em = await startEmulator({ apps: [APP], tokenLifetimeSeconds: 3 });
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
});
afterEach(() => em.faults.clear());
const teardown = teardownAfterEach();

async function sidecar(scopes: string[]) {
  const tokenManager = managers.create();
  const credential = new ClientSecretCredential(em.tenantId, APP.clientId, APP.clientSecret, {
    authorityHost: em.url,
    tlsOptions: { ca: em.ca },
    tokenManager,
    env: {},
  });
  const source = singleIdentitySource(credential, { description: 'emulator app' });
  return startSidecar(teardown, { tokenManager, source, scopes, declaredRetryMs: 100 });
}

/** Polls /readyz (a bound on the wait, not a timing assertion) until `status` (and `text`). */
async function readyz(port: number, status: number, text = ''): Promise<RawResponse> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await send(port, '/readyz');
    if ((response.status === status && response.text.includes(text)) || Date.now() > deadline)
      return response;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('/readyz', () => {
  it('turns 503 when a declared scope’s refresh fails past its token’s life, and 200 on recovery', async () => {
    const { port } = await sidecar([VAULT, GRAPH]);
    expect(await readyz(port, 200)).toMatchObject({
      status: 200,
      json: { ready: true, reasons: [] },
    });
    em.faults.add({ route: 'token', status: 500 });
    const down = await readyz(port, 503);
    expect(down.status).toBe(503);
    const reasons = down.json!.reasons as string[];
    expect(down.json!.ready).toBe(false);
    expect(reasons.some((r) => r.startsWith(`${VAULT}: `))).toBe(true);
    expect(reasons.join('\n')).toMatch(/expired|no token yet/);
    expect(reasons.join('\n')).not.toContain(APP.clientSecret);
    em.faults.clear();
    expect(await readyz(port, 200)).toMatchObject({
      status: 200,
      json: { ready: true, reasons: [] },
    });
  });

  it('is 503 with the error while a declared scope has never had a token', async () => {
    em.faults.add({ route: 'token', status: 400 });
    const { port } = await sidecar([VAULT]);
    const response = await readyz(port, 503, 'last error');
    const reasons = response.json!.reasons as string[];
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(
      /^https:\/\/vault\.azure\.net\/\.default: no token yet \(last error: ERR_AUTHENTICATION_FAILED: /,
    );
  });
});
