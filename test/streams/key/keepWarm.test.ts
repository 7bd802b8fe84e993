import { TokenManager } from '../../../src/index.js';
import { FakeCredential } from '../../support/fakeCredential.js';
import { VirtualClock } from '../../support/virtualClock.js';

const SCOPE = 'https://vault.azure.net/.default';
const SECOND = 1_000;

function setup(keepWarmMs: number) {
  const clock = new VirtualClock();
  const manager = new TokenManager({ scheduler: clock, random: () => 1, keepWarmMs });
  const credential = new FakeCredential(manager, clock, 100);
  // 6 s tokens refresh every 3 s: a stream left running would make a request every 3 s.
  credential.fallback = { lifetimeMs: 6 * SECOND };
  return { clock, manager, credential };
}

describe('KeepWarm with keepWarmMs: 0', () => {
  it('tears the stream down as soon as the last getToken caller has its token', async () => {
    const { clock, manager, credential } = setup(0);
    const call = credential.getToken(SCOPE);
    await clock.advance(100);
    expect((await call).token).toBe('token-1');
    await clock.advance(8 * SECOND);
    expect(credential.requests).toHaveLength(1);
    expect(clock.pending).toBe(0);
    expect(manager.snapshot()).toEqual([]);
    await manager.close();
  });

  it('tears the stream down as soon as the last token$ subscriber leaves', async () => {
    const { clock, manager, credential } = setup(0);
    const tokens: string[] = [];
    const first = credential.token$(SCOPE).subscribe((t) => tokens.push(t.token));
    const second = credential.token$(SCOPE).subscribe();
    await clock.advance(100);
    first.unsubscribe();
    // One subscriber is left: the stream keeps refreshing for it.
    await clock.advance(3 * SECOND + 100);
    expect(credential.requests).toHaveLength(2);
    second.unsubscribe();
    await clock.advance(8 * SECOND);
    expect(tokens).toEqual(['token-1']);
    expect(credential.requests).toHaveLength(2);
    expect(clock.pending).toBe(0);
    expect(manager.snapshot()).toEqual([]);
    await manager.close();
  });

  it('serves the next caller from the cache after the teardown, without a request', async () => {
    const { clock, manager, credential } = setup(0);
    const call = credential.getToken(SCOPE);
    await clock.advance(100);
    await call;
    await clock.advance(SECOND);
    expect((await credential.getToken(SCOPE)).token).toBe('token-1');
    expect(credential.requests).toHaveLength(1);
    expect(clock.pending).toBe(0);
    await manager.close();
  });

  it('still keeps a key warm for keepWarmMs when it is not 0', async () => {
    const { clock, manager, credential } = setup(4 * SECOND);
    const call = credential.getToken(SCOPE);
    await clock.advance(100);
    await call;
    // Refreshes at 3.1 s (inside the 4 s keep-warm), then nothing: torn down at 4.1 s.
    await clock.advance(8 * SECOND);
    expect(credential.requests).toHaveLength(2);
    expect(clock.pending).toBe(0);
    expect(manager.snapshot()).toEqual([]);
    await manager.close();
  });
});
