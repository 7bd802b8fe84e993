import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { azureTokenSource } from '../../src/cli/credentialChoice.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { startSidecar, send, tokenTarget, type Sidecar } from '../service/sidecarHarness.js';
import { teardownAfterEach } from '../support/teardown.js';
import { TokenManagers } from '../support/tokenManagers.js';

const VAULT = 'https://vault.azure.net';
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./;
let em: Emulator;
const managers = new TokenManagers({ retryInitialDelayMs: 5, retryMaxDelayMs: 20 });

beforeAll(async () => {
  em = await startEmulator();
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
});
const teardown = teardownAfterEach();

/**
 * `serve --credential default` on an App Service host (the emulator's) that picks a user-assigned
 * identity with AZURE_CLIENT_ID, as Container Apps and App Service apps do.
 */
async function defaultSidecar(clientId: string | undefined): Promise<Sidecar> {
  const tokenManager = managers.create();
  const env = {
    ...em.managedIdentity.env('appService'),
    ...(clientId === undefined ? {} : { AZURE_CLIENT_ID: clientId }),
  };
  const source = azureTokenSource('default', { tokenManager, env, prompt: () => undefined });
  return startSidecar(teardown, { tokenManager, source });
}

describe('--credential default', () => {
  it("serves a request naming AZURE_CLIENT_ID by client_id, with that identity's token", async () => {
    const [identity] = em.managedIdentity.userAssigned();
    const s = await defaultSidecar(identity!.clientId);
    const headers = { 'X-IDENTITY-HEADER': s.secret };
    const named = await send(s.port, tokenTarget(VAULT, `&client_id=${identity!.clientId}`), {
      headers,
    });
    expect(named.status).toBe(200);
    expect(named.json!.client_id).toBe(identity!.clientId);
    expect(decodeJwt(String(named.json!.access_token)).appid).toBe(identity!.clientId);
    // Without client_id: the same identity, the same token.
    const plain = await send(s.port, tokenTarget(VAULT), { headers });
    expect(plain.json).toMatchObject({
      client_id: identity!.clientId,
      access_token: named.json!.access_token,
    });
    // Client ids compare without case.
    const upper = identity!.clientId.toUpperCase();
    expect(
      (await send(s.port, tokenTarget(VAULT, `&client_id=${upper}`), { headers })).status,
    ).toBe(200);
    expect(s.events.map((e) => e.status)).toEqual([200, 200, 200]);
  });

  it('refuses any other client_id with 400, and every client_id without AZURE_CLIENT_ID', async () => {
    const [identity, other] = em.managedIdentity.userAssigned();
    for (const [configured, asked] of [
      [identity!.clientId, other!.clientId],
      [identity!.clientId, randomUUID()],
      [undefined, identity!.clientId],
    ] as const) {
      const s = await defaultSidecar(configured);
      const response = await send(s.port, tokenTarget(VAULT, `&client_id=${asked}`), {
        headers: { 'X-IDENTITY-HEADER': s.secret },
      });
      expect(response.status).toBe(400);
      expect(response.text).not.toMatch(JWT);
      expect(s.events.map((e) => e.reason)).toEqual(['identity-not-served']);
    }
  });
});
