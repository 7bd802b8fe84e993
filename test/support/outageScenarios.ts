import fc from 'fast-check';
import { DEFAULT_RETRY_INITIAL_DELAY_MS, DEFAULT_RETRY_MAX_DELAY_MS } from '../../src/index.js';
import type { CallPlan, ScenarioPlan, SubscriptionPlan } from './engineScenario.js';
import { FAILURE_KINDS, type FailureKind, type Outage } from './scriptedAuthority.js';
import { expectedUsableUntil } from './tokenLedger.js';

/**
 * fast-check generators of whole scenarios for {@link runScenario}: token lifetimes from 10 s to
 * 28 h, `refresh_in`, latencies, outages (bursts and long ones) of 503/429/resets/timeouts with
 * Retry-After, callers (some concurrent) and token$ subscribers at random instants. Every random
 * choice comes from fast-check (the engine's jitter and the authority's draws from seeds it
 * generates), so a run is reproducible from the printed seed.
 */

export const SECOND = 1_000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

/** Fractions are drawn as integers out of this, so that shrinking moves towards 0. */
const PARTS = 10_000;
const part = (fraction: number, of: number): number => Math.round((fraction / PARTS) * of);

const fraction = fc.integer({ min: 0, max: PARTS });
export const seed = fc.integer();
export const lifetimeSeconds = fc.oneof(
  fc.integer({ min: 10, max: 120 }),
  fc.integer({ min: 120, max: 2 * 3_600 }),
  fc.integer({ min: 2 * 3_600, max: 28 * 3_600 }),
);
const kinds = fc.subarray<FailureKind>([...FAILURE_KINDS], { minLength: 1 });
const retryAfterMs = fc.option(
  fc.oneof(
    fc.integer({ min: 0, max: 5 * SECOND }),
    fc.integer({ min: 5 * SECOND, max: 2 * MINUTE }),
    fc.integer({ min: 2 * MINUTE, max: HOUR }),
  ),
  { nil: undefined },
);
const calls = fc.array(fc.record({ at: fraction, concurrent: fc.integer({ min: 1, max: 3 }) }), {
  maxLength: 40,
});
const subscriptions = fc.array(fc.record({ start: fraction, length: fraction }), {
  maxLength: 4,
});

function callsOf(drawn: { at: number; concurrent: number }[], until: number, from = 0): CallPlan[] {
  return drawn.flatMap(({ at, concurrent }) =>
    Array.from({ length: concurrent }, () => ({ key: 0, at: from + part(at, until - from) })),
  );
}

function subscriptionsOf(
  drawn: { start: number; length: number }[],
  until: number,
): SubscriptionPlan[] {
  return drawn.map(({ start, length }) => {
    const s = part(start, until);
    return { key: 0, start: s, end: s + part(length, until - s) };
  });
}

const refreshIn = (lifetimeMs: number, percent: number | undefined): number | undefined =>
  percent === undefined ? undefined : Math.round((lifetimeMs * percent) / 100);

/**
 * Anything goes: one key, a run of one to four lifetimes, up to six outages (bursts of up to 10 s,
 * or up to 150 % of the lifetime, at most 4 h), any Retry-After (up to an hour), any keep-warm.
 */
export const randomSchedulePlan: fc.Arbitrary<ScenarioPlan> = fc
  .record({
    lifetimeSeconds,
    refreshInPercent: fc.option(fc.integer({ min: 5, max: 100 }), { nil: undefined }),
    horizonPercent: fc.integer({ min: 100, max: 400 }),
    keepWarm: fc.option(fraction, { nil: undefined }),
    maxLatencyMs: fc.integer({ min: 0, max: 3 * SECOND }),
    outages: fc.array(
      fc.record({
        start: fraction,
        length: fc.oneof(
          fc.record({ ms: fc.integer({ min: 50, max: 10 * SECOND }) }),
          fc.record({ ofLifetime: fc.integer({ min: 1, max: 15_000 }) }),
        ),
        kinds,
        retryAfterMs,
        timeoutMs: fc.integer({ min: SECOND, max: 30 * SECOND }),
      }),
      { maxLength: 6 },
    ),
    calls,
    subscriptions,
    engineSeed: seed,
    authoritySeed: seed,
  })
  .map((s): ScenarioPlan => {
    const lifetimeMs = s.lifetimeSeconds * SECOND;
    const horizonMs = Math.round((lifetimeMs * s.horizonPercent) / 100);
    return {
      keys: [{ lifetimeMs, refreshInMs: refreshIn(lifetimeMs, s.refreshInPercent) }],
      keepWarmMs: s.keepWarm === undefined ? 10 * MINUTE : 1 + part(s.keepWarm, 2 * horizonMs),
      horizonMs,
      engineSeed: s.engineSeed,
      authoritySeed: s.authoritySeed,
      maxLatencyMs: s.maxLatencyMs,
      outages: s.outages.map((o): Outage => {
        const start = part(o.start, horizonMs);
        const length =
          'ms' in o.length
            ? o.length.ms
            : Math.min(4 * HOUR, part(o.length.ofLifetime, lifetimeMs));
        const { kinds, retryAfterMs, timeoutMs } = o;
        return { start, end: start + length, kinds, retryAfterMs, timeoutMs };
      }),
      calls: callsOf(s.calls, horizonMs),
      subscriptions: subscriptionsOf(s.subscriptions, horizonMs),
    };
  });

/**
 * The longest outage starting at `start` (no failing attempt starts earlier) after which one
 * backoff step and the latencies still fit before `usableUntil`. After failures since `start` the
 * step is at most min(retryMaxDelayMs, retryInitialDelayMs + 2 × elapsed) (doubling with jitter in
 * [d/2, d], as documented), or the Retry-After when that is longer.
 */
export function longestInvisibleOutage(
  start: number,
  usableUntil: number,
  failLatencyMs: number,
  latencyMs: number,
  retryAfter: number,
): number {
  const recoveredBy = (length: number): number => {
    const lastFailure = start + length + failLatencyMs;
    const step = Math.min(
      DEFAULT_RETRY_MAX_DELAY_MS,
      DEFAULT_RETRY_INITIAL_DELAY_MS + 2 * (lastFailure - start),
    );
    // 10 ms for the rounding of jittered delays.
    return lastFailure + Math.max(step, retryAfter) + latencyMs + 10;
  };
  if (recoveredBy(0) > usableUntil) return 0;
  let lo = 0;
  let hi = Math.max(0, usableUntil - start);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (recoveredBy(mid) <= usableUntil) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** A scenario with one outage placed in the first token's life, short enough to be invisible. */
export interface InvisibleOutageCase {
  plan: ScenarioPlan;
  /** Latency of successful attempts, at most. */
  maxLatencyMs: number;
  /** Latency of failing attempts (timeouts included), at most. */
  failLatencyMs: number;
}

/**
 * One outage inside the first token's usable life, of random length up to the longest that
 * leaves one backoff step and the latencies before that token stops being usable. Latencies up to
 * 2 s (at most 5 % of the lifetime), timeouts up to 10 s (10 %), Retry-After up to a minute,
 * `refresh_in` 10 % to 80 % of the lifetime. Someone wants the key throughout: a subscriber for the
 * whole run, or a keep-warm longer than the run.
 */
export const invisibleOutageCase: fc.Arbitrary<InvisibleOutageCase> = fc
  .record({
    lifetimeSeconds,
    refreshInPercent: fc.option(fc.integer({ min: 10, max: 80 }), { nil: undefined }),
    latencyPercent: fc.integer({ min: 0, max: 100 }),
    timeoutPercent: fc.integer({ min: 0, max: 100 }),
    retryAfterMs: fc.option(fc.integer({ min: 0, max: MINUTE }), { nil: undefined }),
    kinds,
    outageStart: fraction,
    outageLength: fraction,
    persistentSubscriber: fc.boolean(),
    calls,
    subscriptions,
    engineSeed: seed,
    authoritySeed: seed,
  })
  .map((s): InvisibleOutageCase => {
    const lifetimeMs = s.lifetimeSeconds * SECOND;
    const maxLatencyMs = Math.round(
      (Math.min(2 * SECOND, lifetimeMs / 20) * s.latencyPercent) / 100,
    );
    const timeoutMs = Math.max(
      1,
      Math.round((Math.min(10 * SECOND, lifetimeMs / 10) * s.timeoutPercent) / 100),
    );
    const failLatencyMs = s.kinds.includes('timeout')
      ? Math.max(timeoutMs, maxLatencyMs)
      : maxLatencyMs;
    const horizonMs = 2 * lifetimeMs + 10 * SECOND;
    const plan: ScenarioPlan = {
      keys: [{ lifetimeMs, refreshInMs: refreshIn(lifetimeMs, s.refreshInPercent) }],
      keepWarmMs: s.persistentSubscriber ? 10 * MINUTE : 2 * horizonMs,
      horizonMs,
      engineSeed: s.engineSeed,
      authoritySeed: s.authoritySeed,
      maxLatencyMs,
      outages: [],
      // The first call is made cold at 0; the others once the first token can be there.
      calls: [{ key: 0, at: 0 }, ...callsOf(s.calls, horizonMs, maxLatencyMs)],
      subscriptions: [
        ...(s.persistentSubscriber ? [{ key: 0, start: 0, end: horizonMs }] : []),
        ...subscriptionsOf(s.subscriptions, horizonMs),
      ],
      onIssue: (token, run) => {
        if (run.authority.outages.length > 0) return;
        const usableUntil = expectedUsableUntil(token);
        const start = token.issuedAt + part(s.outageStart, usableUntil - token.issuedAt);
        const longest = longestInvisibleOutage(
          start,
          usableUntil,
          failLatencyMs,
          maxLatencyMs,
          s.retryAfterMs ?? 0,
        );
        run.authority.outages.push({
          start,
          end: start + part(s.outageLength, longest),
          kinds: s.kinds,
          retryAfterMs: s.retryAfterMs,
          timeoutMs,
        });
      },
    };
    return { plan, maxLatencyMs, failLatencyMs };
  });
