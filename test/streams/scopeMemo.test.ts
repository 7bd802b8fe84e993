import { TokenManager } from '../../src/index.js';
import { FakeCredential } from '../support/fakeCredential.js';
import { VirtualClock } from '../support/virtualClock.js';

/** The hot path remembers streams by the scopes argument; it must never change an answer. */
const MIN = 60_000;

function setup() {
  const clock = new VirtualClock();
  const manager = new TokenManager({ scheduler: clock, random: () => 1, keepWarmMs: MIN });
  const credential = new FakeCredential(manager, clock, 10);
  return { clock, manager, credential };
}

async function token(
  credential: FakeCredential,
  clock: VirtualClock,
  ...args: Parameters<FakeCredential['getToken']>
) {
  const pending = credential.getToken(...args);
  await clock.advance(10);
  return pending;
}

describe('ScopeMemo (the getToken hot path)', () => {
  it('answers an array changed in place for its new scopes, not the remembered ones', async () => {
    const { clock, manager, credential } = setup();
    const scopes = ['https://storage.azure.com/.default'];
    await token(credential, clock, scopes);
    scopes[0] = 'https://vault.azure.net/.default';
    await token(credential, clock, scopes);
    expect(credential.requests.map((r) => r.scopes)).toEqual([
      ['https://storage.azure.com/.default'],
      ['https://vault.azure.net/.default'],
    ]);
    await manager.close();
  });

  it('rejects an array changed in place to an invalid scope', async () => {
    const { clock, manager, credential } = setup();
    const scopes = ['https://storage.azure.com/.default'];
    await token(credential, clock, scopes);
    scopes[0] = 'two words';
    await expect(credential.getToken(scopes)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await manager.close();
  });

  it('keeps CAE and non-CAE, and tenant requests, on their own keys', async () => {
    const { clock, manager, credential } = setup();
    const scope = 'https://storage.azure.com/.default';
    const plain = await token(credential, clock, scope);
    const cae = await token(credential, clock, scope, { enableCae: true });
    const tenant = await token(credential, clock, scope, { tenantId: 'contoso' });
    expect(new Set([plain.token, cae.token, tenant.token]).size).toBe(3);
    expect((await credential.getToken(scope)).token).toBe(plain.token);
    expect((await credential.getToken(scope, { enableCae: true })).token).toBe(cae.token);
    expect(credential.requests).toHaveLength(3);
    await manager.close();
  });

  it('finds a new stream once the remembered one has torn down after keep-warm', async () => {
    const { clock, manager, credential } = setup();
    const scope = 'https://storage.azure.com/.default';
    const first = await token(credential, clock, scope);
    await clock.advance(2 * MIN);
    expect(manager.snapshot()).toHaveLength(0);
    // A new stream answers, from the memory layer: the retired one is not used again.
    expect((await token(credential, clock, scope)).token).toBe(first.token);
    expect(manager.snapshot()).toMatchObject([{ cacheHits: 1 }]);
    expect(credential.requests).toHaveLength(1);
    await manager.close();
  });

  it('never answers from a closed engine', async () => {
    const { clock, manager, credential } = setup();
    await token(credential, clock, 'https://storage.azure.com/.default');
    await manager.close();
    await expect(credential.getToken('https://storage.azure.com/.default')).rejects.toMatchObject({
      code: 'ERR_CLOSED',
    });
  });
});
