import fc from 'fast-check';
import { AuthenticationError, DEFAULT_INITIAL_MAX_RETRIES, TokenManager } from '../../src/index.js';
import { FakeCredential } from '../support/fakeCredential.js';
import { seededRandom } from '../support/seededRandom.js';
import { VirtualClock } from '../support/virtualClock.js';

/**
 * Tokens that live less than the forced-refresh window (20 s here, against the default 30 s
 * window) are handed out and refreshed ahead of expiry, on virtual time: a caller every 20 ms for
 * a minute, with and without 30 % of the attempts failing with 503.
 */
const SCOPE = 'https://vault.azure.net/.default';
const LIFETIME_MS = 20_000;
const CALL_EVERY_MS = 20;
const RUN_MS = 60_000;
const LATENCY_MS = 50;

const busy = (): AuthenticationError =>
  new AuthenticationError(503, {
    error: 'temporarily_unavailable',
    errorDescription: 'AADSTS90033: A transient error has occurred.',
  });

interface RunResult {
  calls: number;
  /** Errors of calls made before any token had been handed out. */
  errorsBeforeFirstToken: unknown[];
  /** Errors of calls made after a token had been handed out. */
  errors: unknown[];
  /** Whether each attempt failed, in order. */
  failedAttempts: boolean[];
  /** Calls that waited although a token had been handed out before them (ms since start). */
  blocked: number[];
  /** Calls that waited for the very first token. */
  firstWaiters: number;
  handedOutExpired: number;
  attempts: number;
}

async function callEvery20ms(failureRate: number, seed: number): Promise<RunResult> {
  const clock = new VirtualClock();
  const random = seededRandom(seed);
  const manager = new TokenManager({ scheduler: clock, random });
  const credential = new FakeCredential(manager, clock, LATENCY_MS);
  const failures = seededRandom(seed ^ 0x5bd1e995);
  const result: RunResult = {
    calls: 0,
    errorsBeforeFirstToken: [],
    errors: [],
    failedAttempts: [],
    blocked: [],
    firstWaiters: 0,
    handedOutExpired: 0,
    attempts: 0,
  };
  credential.script = () => {
    const failed = failures() < failureRate;
    result.failedAttempts.push(failed);
    return failed ? { error: busy() } : { lifetimeMs: LIFETIME_MS };
  };
  let firstTokenAt: number | undefined;
  const start = clock.now();
  const pending: Promise<void>[] = [];
  for (let at = 0; at < RUN_MS; at += CALL_EVERY_MS) {
    const calledAt = clock.now();
    let settledAt: number | undefined;
    const beforeFirstToken = firstTokenAt === undefined;
    result.calls++;
    pending.push(
      credential.getToken(SCOPE).then(
        (token) => {
          settledAt = clock.now();
          firstTokenAt ??= settledAt;
          // Expired, or inside its forced window (the last tenth of its 20 s life).
          if (token.expiresOnTimestamp - LIFETIME_MS / 10 <= settledAt) result.handedOutExpired++;
        },
        (error: unknown) => {
          (beforeFirstToken ? result.errorsBeforeFirstToken : result.errors).push(error);
        },
      ),
    );
    // A call answered from the current token settles within the same instant.
    await Promise.resolve();
    await Promise.resolve();
    if (settledAt !== calledAt) {
      if (firstTokenAt === undefined) result.firstWaiters++;
      else result.blocked.push(calledAt - start);
    }
    await clock.advance(CALL_EVERY_MS);
  }
  await clock.advance(LIFETIME_MS);
  await Promise.all(pending);
  result.attempts = credential.requests.length;
  await manager.close();
  return result;
}

describe('20 s tokens under the default 30 s forced-refresh window', () => {
  it('a caller every 20 ms for 60 s: no errors, only the first call waits', async () => {
    const result = await callEvery20ms(0, 1);
    expect(result.calls).toBe(3_000);
    expect(result.errorsBeforeFirstToken).toEqual([]);
    expect(result.errors).toEqual([]);
    // The calls made during the first acquisition (50 ms of latency) wait for it; none after.
    expect(result.firstWaiters).toBe(3);
    expect(result.blocked).toEqual([]);
    expect(result.handedOutExpired).toBe(0);
    // Refreshed at half life: about one acquisition every 10 s, not one per call.
    expect(result.attempts).toBeGreaterThanOrEqual(6);
    expect(result.attempts).toBeLessThanOrEqual(8);
  });

  it('the same with 30 % of the attempts failing with 503, whatever the failure schedule', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const result = await callEvery20ms(0.3, seed);
        // Once a token has been handed out, no caller sees an error: refreshes fail in the
        // background while the current token is served.
        expect(result.errors).toEqual([]);
        // Before it, a caller is failed only when the first acquisition ran out of retries:
        // its first attempt and all DEFAULT_INITIAL_MAX_RETRIES retries failed (about 0.8 % of
        // schedules at 30 %), and then with the authority's error, not a hang.
        if (result.errorsBeforeFirstToken.length > 0) {
          expect(result.failedAttempts.slice(0, DEFAULT_INITIAL_MAX_RETRIES + 1)).toEqual(
            new Array<boolean>(DEFAULT_INITIAL_MAX_RETRIES + 1).fill(true),
          );
          for (const error of result.errorsBeforeFirstToken) {
            expect(error).toBeInstanceOf(AuthenticationError);
          }
        }
        // Only the calls before the first token wait (through the first acquisition's retries).
        expect(result.blocked).toEqual([]);
        expect(result.handedOutExpired).toBe(0);
      }),
      // Seed 31 is a schedule whose first four attempts fail.
      { numRuns: 8, examples: [[31]] },
    );
  });

  it('token$ emits a new token before each one expires', async () => {
    const clock = new VirtualClock();
    const manager = new TokenManager({ scheduler: clock, random: seededRandom(7) });
    const credential = new FakeCredential(manager, clock, LATENCY_MS);
    const failures = seededRandom(11);
    credential.script = () => (failures() < 0.3 ? { error: busy() } : { lifetimeMs: LIFETIME_MS });
    const seen: { at: number; expiresOnTimestamp: number }[] = [];
    const sub = credential.token$(SCOPE).subscribe({
      next: (token) => seen.push({ at: clock.now(), expiresOnTimestamp: token.expiresOnTimestamp }),
    });
    await clock.advance(RUN_MS);
    sub.unsubscribe();
    expect(seen.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < seen.length; i++) {
      // Each new token came while the previous one was still valid, and outside its last tenth.
      expect(seen[i]!.at).toBeLessThan(seen[i - 1]!.expiresOnTimestamp - LIFETIME_MS / 10);
    }
    await manager.close();
  });

  it('refuses, with InvalidResponseError, a token that arrives expiring within a second', async () => {
    const clock = new VirtualClock();
    const manager = new TokenManager({ scheduler: clock, initialMaxRetries: 0 });
    const credential = new FakeCredential(manager, clock, LATENCY_MS);
    credential.outcomes = [{ lifetimeMs: 900 }];
    const result = credential.getToken(SCOPE).catch((error: unknown) => error);
    await clock.advance(1_000);
    expect(await result).toMatchObject({
      name: 'InvalidResponseError',
      code: 'ERR_INVALID_RESPONSE',
      message: expect.stringContaining('less than 1000 ms after it arrived'),
    });
    await manager.close();
  });
});
