import fc from 'fast-check';
import {
  AuthenticationError,
  DEFAULT_INITIAL_MAX_RETRIES,
  DEFAULT_RETRY_MAX_DELAY_MS,
} from '../../src/index.js';
import {
  contractViolations,
  runScenario,
  type ScenarioPlan,
  type ScenarioRun,
} from '../support/engineScenario.js';
import {
  HOUR,
  MINUTE,
  SECOND,
  invisibleOutageCase,
  randomSchedulePlan,
  seed,
} from '../support/outageScenarios.js';
import { FAILURE_KINDS, type Outage } from '../support/scriptedAuthority.js';

/**
 * Outage tolerance, proven on virtual time (issue 9): random token lifetimes (10 s to 28 h),
 * latencies, failure schedules, Retry-After values, refresh_in, subscriber churn and concurrent
 * callers against one engine and a scripted authority. The invariants are the stream contract's,
 * judged by the test's own account of the tokens (test/support/tokenLedger.ts) and listed in
 * `contractViolations` (test/support/engineScenario.ts).
 */

/** Shows the first 20 violations (and how many more), so a counterexample stays readable. */
function expectContract(run: ScenarioRun): void {
  const violations = contractViolations(run);
  const shown = violations.slice(0, 20);
  if (violations.length > shown.length) shown.push(`... and ${violations.length - 20} more`);
  expect(shown).toEqual([]);
}

/**
 * 0 caller errors, 0 subscriber errors, and no call made once the first token exists is blocked.
 * With `firstAcquisitionMayGiveUp` (sporadic failures from the start), a call made before the
 * first token may fail, but only when the first acquisition ran out of retries: its first attempt
 * and all DEFAULT_INITIAL_MAX_RETRIES retries failed, which is how an always-failing authority
 * reaches its caller.
 */
function expectInvisible(run: ScenarioRun, firstAcquisitionMayGiveUp = false): boolean {
  const firstTokenAt = run.ledger.tokens(run.keys[0]!)[0]!.issuedAt;
  const at = (t: number | undefined): string => `+${((t ?? NaN) - run.t0) / 1000}s`;
  const firstAttempts = run.authority.attempts.slice(0, DEFAULT_INITIAL_MAX_RETRIES + 1);
  const gaveUp =
    firstAcquisitionMayGiveUp &&
    firstAttempts.length === DEFAULT_INITIAL_MAX_RETRIES + 1 &&
    firstAttempts.every((a) => a.settled === 'failed');
  expect({
    errors: run.calls
      .filter((c) => c.erroredAt !== undefined && !(gaveUp && c.at < firstTokenAt))
      .map((c) => `${at(c.at)}: ${String(c.error)}`),
    blocked: run.calls
      .filter((c) => c.at >= firstTokenAt && c.resolvedAt !== c.at)
      .map((c) => `${at(c.at)} -> ${at(c.resolvedAt)}`),
    subscriberErrors: run.subscriptions
      .filter((s) => s.erroredAt !== undefined && !(gaveUp && s.erroredAt < firstTokenAt))
      .map((s) => `${at(s.erroredAt)}: ${String(s.error)}`),
  }).toEqual({ errors: [], blocked: [], subscriberErrors: [] });
  return gaveUp;
}

/**
 * Refresh resumes within one backoff step of recovery: the first successful attempt after the
 * outage ends answers within retryMaxDelayMs (or the Retry-After, when longer) of the later of the
 * recovery and the last failure's answer, plus its latency.
 */
function expectResumed(run: ScenarioRun, outage: Outage, latencyMs: number): void {
  const failed = run.authority.attempts.filter((a) => a.settled === 'failed');
  if (failed.length === 0) return;
  const lastFailure = failed[failed.length - 1]!;
  expect(lastFailure.start).toBeLessThan(outage.end);
  const success = run.authority.attempts.find((a) => a.start >= outage.end && a.settled === 'ok');
  const step = Math.max(DEFAULT_RETRY_MAX_DELAY_MS, outage.retryAfterMs ?? 0);
  expect(success?.end).toBeDefined();
  expect(success!.end! - Math.max(outage.end, lastFailure.end!)).toBeLessThanOrEqual(
    step + latencyMs,
  );
}

describe('outage tolerance on random schedules', () => {
  it('keeps the stream contract under any lifetime, latency, failure schedule and demand', async () => {
    await fc.assert(
      fc.asyncProperty(randomSchedulePlan, async (plan) => {
        expectContract(await runScenario(plan));
      }),
      { numRuns: 300 },
    );
  });
});

describe('outages shorter than the current token has left are invisible', () => {
  it('gives no caller an error and blocks no call, then refreshes within one backoff step of recovery', async () => {
    await fc.assert(
      fc.asyncProperty(invisibleOutageCase, async ({ plan, maxLatencyMs }) => {
        const run = await runScenario(plan);
        expectContract(run);
        expectInvisible(run);
        expectResumed(run, run.authority.outages[0]!, maxLatencyMs);
      }),
      { numRuns: 200 },
    );
  });
});

describe('short-lived tokens (issue 9, must hold)', () => {
  it('20 s tokens, getToken every 20 ms for 60 s, with and without 30 % of attempts failing: 0 errors, only the first call blocked', async () => {
    await fc.assert(
      fc.asyncProperty(seed, seed, fc.boolean(), async (engineSeed, authoritySeed, flaky) => {
        const plan: ScenarioPlan = {
          keys: [{ lifetimeMs: 20 * SECOND }],
          keepWarmMs: 10 * MINUTE,
          horizonMs: 60 * SECOND,
          engineSeed,
          authoritySeed,
          maxLatencyMs: 100,
          outages: [],
          failureRate: flaky ? 0.3 : 0,
          sporadic: { kinds: ['503'], timeoutMs: 0 },
          calls: Array.from({ length: 3_000 }, (_, i) => ({ key: 0, at: i * 20 })),
          subscriptions: [{ key: 0, start: 0, end: 60 * SECOND }],
        };
        const run = await runScenario(plan);
        expectContract(run);
        const gaveUp = expectInvisible(run, flaky);
        const subscription = run.subscriptions[0]!;
        if (gaveUp) {
          // The subscriber that waited through the first acquisition is told why, like the callers.
          expect(subscription.erroredAt).toBeLessThan(run.ledger.tokens(run.keys[0]!)[0]!.issuedAt);
          expect(subscription.error).toBeInstanceOf(AuthenticationError);
          expect((subscription.error as AuthenticationError).statusCode).toBe(503);
          return;
        }
        // token$ emits a new token before each one expires (about every 10 s).
        const received = subscription.received;
        expect(received.length).toBeGreaterThanOrEqual(5);
        received.slice(1).forEach((r, i) => {
          expect(r.at).toBeLessThan(run.ledger.get(received[i]!.token)!.expiresOnTimestamp);
        });
      }),
      // Authority seed 63 fails the first four attempts: the first acquisition gives up.
      { numRuns: 4, examples: [[1, 63, true]] },
    );
  });
});

describe('named cases the properties found', () => {
  it('a stream that errored leaves no timer once the engine is closed', async () => {
    // One caller, an authority that resets every connection: the first acquisition gives up.
    const run = await runScenario({
      keys: [{ lifetimeMs: 2 * MINUTE }],
      keepWarmMs: 10 * MINUTE,
      horizonMs: MINUTE,
      engineSeed: 1,
      authoritySeed: 1,
      maxLatencyMs: 0,
      outages: [{ start: 0, end: HOUR, kinds: ['reset'], timeoutMs: 0 }],
      calls: [{ key: 0, at: 0 }],
      subscriptions: [],
    });
    expect(run.calls[0]!.erroredAt).toBeDefined();
    expectContract(run);
  });

  it('a key whose kept-warm refresh fails for good is torn down after keepWarmMs', async () => {
    // One caller gets a 2 min token and leaves; the authority is down from 30 s on.
    const run = await runScenario({
      keys: [{ lifetimeMs: 2 * MINUTE }],
      keepWarmMs: 10 * MINUTE,
      horizonMs: HOUR,
      engineSeed: 1,
      authoritySeed: 1,
      maxLatencyMs: 100,
      outages: [{ start: 30 * SECOND, end: 2 * HOUR, kinds: ['503'], timeoutMs: 0 }],
      calls: [{ key: 0, at: 0 }],
      subscriptions: [],
    });
    expect(run.calls[0]!.token).toBeDefined();
    expectContract(run);
  });
});

describe('a 24 h managed identity token (refresh_in 12 h) through authority outages', () => {
  it.each([1, 6, 11])(
    'a %i h outage starting at the refresh time is invisible to callers calling every minute',
    async (hours) => {
      const horizonMs = 36 * HOUR;
      const latencyMs = 200;
      const timeoutMs = 10 * SECOND;
      const run = await runScenario({
        keys: [{ lifetimeMs: 24 * HOUR, refreshInMs: 12 * HOUR }],
        keepWarmMs: 10 * MINUTE,
        horizonMs,
        engineSeed: 9,
        authoritySeed: hours,
        maxLatencyMs: latencyMs,
        outages: [],
        calls: Array.from({ length: horizonMs / MINUTE }, (_, i) => ({ key: 0, at: i * MINUTE })),
        subscriptions: [],
        // Every kind of failure, 503 and 429 with a Retry-After of 5 s, timeouts after 10 s.
        onIssue: (token, r) => {
          if (r.authority.outages.length > 0) return;
          const start = token.refreshAfterTimestamp!;
          r.authority.outages.push({
            start,
            end: start + hours * HOUR,
            kinds: FAILURE_KINDS,
            retryAfterMs: 5 * SECOND,
            timeoutMs,
          });
        },
      });
      expectContract(run);
      expectInvisible(run);
      const outage = run.authority.outages[0]!;
      // The outage was really hit: the refresh at 12 h failed, and so did every retry in it.
      const during = run.authority.attempts.filter(
        (a) => a.start >= outage.start && a.start < outage.end,
      );
      expect(during.length).toBeGreaterThan(hours * 60);
      expect(during[0]!.start).toBe(outage.start);
      expect(during.every((a) => a.settled === 'failed')).toBe(true);
      // The token from before the outage was served throughout; the next came within one step.
      const second = run.ledger.tokens(run.keys[0]!)[1]!;
      expect(second.issuedAt).toBeGreaterThanOrEqual(outage.end);
      expect(second.issuedAt - outage.end).toBeLessThanOrEqual(
        timeoutMs + DEFAULT_RETRY_MAX_DELAY_MS + latencyMs,
      );
      expectResumed(run, outage, latencyMs);
    },
  );
});
