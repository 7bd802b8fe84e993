import {
  MemoryLayer,
  TokenManager,
  type CacheLayer,
  type CachedToken,
} from '../../../src/index.js';
import { FakeCredential } from '../../support/fakeCredential.js';
import { VirtualClock } from '../../support/virtualClock.js';

const SCOPE = 'https://storage.azure.com/.default';

/**
 * A layer shared "across processes" whose key lock is granted only after `grantAfterMs[n]` of
 * virtual time for the n-th request (the last value for later ones), whatever the signal says:
 * a layer that cannot stop a wait it began. It logs each request, grant and release.
 */
function slowLockLayer(clock: VirtualClock, grantAfterMs: number[]) {
  const log: string[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  const entries = new Map<string, CachedToken>();
  const layer: CacheLayer = {
    name: 'shared',
    get: (key) => entries.get(key),
    set: (key, token) => void entries.set(key, token),
    delete: (key) => void entries.delete(key),
    lockKey: (_key, _accepts, signal) => {
      const n = signals.push(signal);
      log.push(`lock ${n}`);
      const delay = grantAfterMs[n - 1] ?? grantAfterMs.at(-1) ?? 0;
      return new Promise((resolve) => {
        clock.schedule(() => {
          log.push(`granted ${n}`);
          resolve(async () => void log.push(`release ${n}`));
        }, delay);
      });
    },
  };
  return { layer, log, signals };
}

function engineWith(layer: CacheLayer, clock: VirtualClock) {
  const manager = new TokenManager({
    scheduler: clock,
    random: () => 1,
    cacheLayers: [new MemoryLayer({ now: () => clock.now() }), layer],
  });
  const credential = new FakeCredential(manager, clock, 100);
  credential.fallback = { lifetimeMs: 20_000 };
  return { manager, credential };
}

describe('a lock wait that is cancelled', () => {
  it('releases the lock granted after a claims token ended the refresh that asked for it', async () => {
    const clock = new VirtualClock();
    // The first lock at once; the refresh's (at 10.1 s) only 5 s later.
    const shared = slowLockLayer(clock, [0, 5_000]);
    const { manager, credential } = engineWith(shared.layer, clock);
    const tokens: string[] = [];
    const subscription = credential.token$(SCOPE).subscribe((t) => tokens.push(t.token));
    await clock.advance(10_200);
    expect(shared.log).toEqual(['lock 1', 'granted 1', 'release 1', 'lock 2']);
    // A claims challenge while the refresh waits for its lock: its token ends that refresh.
    const claimed = credential.getToken(SCOPE, { claims: '{"access_token":{}}' });
    await clock.advance(200);
    expect((await claimed).token).toBe('token-2');
    await clock.advance(5_000);
    expect(shared.log).toEqual([
      'lock 1',
      'granted 1',
      'release 1',
      'lock 2',
      'granted 2',
      'release 2',
    ]);
    expect(tokens).toEqual(['token-1', 'token-2']);
    expect(credential.requests).toHaveLength(2);
    // The layer was told to stop waiting, too.
    expect(shared.signals[1]?.aborted).toBe(true);
    subscription.unsubscribe();
    await manager.close();
  });

  it('releases the lock granted after the engine was closed', async () => {
    const clock = new VirtualClock();
    const shared = slowLockLayer(clock, [5_000]);
    const { manager, credential } = engineWith(shared.layer, clock);
    const call = credential.getToken(SCOPE).catch((error: unknown) => error);
    await clock.advance(1_000);
    expect(shared.log).toEqual(['lock 1']);
    await manager.close();
    expect(await call).toMatchObject({ name: 'ClosedError' });
    await clock.advance(5_000);
    expect(shared.log).toEqual(['lock 1', 'granted 1', 'release 1']);
    expect(credential.requests).toHaveLength(0);
    expect(shared.signals[0]?.aborted).toBe(true);
  });
});
