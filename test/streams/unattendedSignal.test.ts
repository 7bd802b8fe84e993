import { TokenManager } from '../../src/index.js';
import { FakeCredential } from '../support/fakeCredential.js';
import { VirtualClock } from '../support/virtualClock.js';

/**
 * `AcquireRequest.unattendedSignal`: the engine tells an acquisition when no caller waits for its
 * key any more, while it carries the acquisition on to keep the key warm (its `abortSignal` does
 * not fire then). Virtual time; the fake credential's acquisitions take 1 s.
 */
const SCOPE = 'https://storage.azure.com/.default';

function setUp() {
  const clock = new VirtualClock();
  const manager = new TokenManager({ scheduler: clock });
  const credential = new FakeCredential(manager, clock, 1_000);
  return { clock, manager, credential };
}

describe('AcquireRequest.unattendedSignal', () => {
  it('fires when the last waiting caller aborts, while the warm acquisition carries on', async () => {
    const { clock, manager, credential } = setUp();
    const first = new AbortController();
    const second = new AbortController();
    const calls = [first, second].map((c) =>
      credential.getToken(SCOPE, { abortSignal: c.signal }).catch((e: unknown) => e),
    );
    await clock.advance(100);
    const request = credential.requests[0]!;
    expect(request.unattendedSignal?.aborted).toBe(false);
    first.abort();
    await clock.advance(100);
    // One caller still waits.
    expect(request.unattendedSignal?.aborted).toBe(false);
    second.abort();
    await clock.advance(100);
    expect(request.unattendedSignal?.aborted).toBe(true);
    expect(request.abortSignal.aborted).toBe(false);
    expect(await Promise.all(calls)).toMatchObject([
      { code: 'ERR_ABORTED' },
      { code: 'ERR_ABORTED' },
    ]);
    await manager.close();
  });

  it('stays quiet for a token$ subscriber and a claims caller that wait', async () => {
    const { clock, manager, credential } = setUp();
    const subscription = credential.token$(SCOPE).subscribe();
    const claims = credential.getToken(SCOPE, { claims: '{"access_token":{}}' });
    await clock.advance(100);
    expect(credential.requests).toHaveLength(2);
    expect(credential.requests.map((r) => r.unattendedSignal?.aborted)).toEqual([false, false]);
    await clock.advance(1_000);
    await claims;
    subscription.unsubscribe();
    await manager.close();
  });

  it('has fired already for a timer-driven refresh nobody waits for', async () => {
    const { clock, manager, credential } = setUp();
    credential.fallback = { lifetimeMs: 10 * 60_000 };
    const call = credential.getToken(SCOPE);
    await clock.advance(1_000);
    await call;
    expect(credential.requests[0]!.unattendedSignal?.aborted).toBe(true);
    await clock.advance(6 * 60_000);
    const refresh = credential.requests[1]!;
    expect(refresh.reason).toBe('proactive');
    expect(refresh.unattendedSignal?.aborted).toBe(true);
    await manager.close();
  });
});
