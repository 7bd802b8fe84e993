import * as publicApi from '../../../src/index.js';
import {
  DEFAULT_FORCED_REFRESH_WINDOW_MS,
  DEFAULT_INITIAL_MAX_RETRIES,
  DEFAULT_REFRESH_BEFORE_EXPIRY_MS,
  DEFAULT_RETRY_INITIAL_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  forcedRefreshWindow,
  isAcceptable,
  isUsable,
  refreshAt,
  resolveRefreshPolicy,
  decideRetry,
  retryDelay,
  usableUntil,
  type TokenRecord,
} from '../../../src/streams/policy/refreshPolicy.js';

const T0 = Date.UTC(2026, 0, 1);
const SECOND = 1_000;
const MIN = 60_000;
const HOUR = 3_600_000;
const policy = resolveRefreshPolicy();

function token(lifetimeMs: number, refreshInMs?: number, obtainedAt = T0): TokenRecord {
  const record: TokenRecord = {
    token: 't',
    expiresOnTimestamp: obtainedAt + lifetimeMs,
    obtainedAt,
  };
  if (refreshInMs !== undefined) record.refreshAfterTimestamp = obtainedAt + refreshInMs;
  return record;
}

describe('resolveRefreshPolicy', () => {
  it('fills every field with its exported default', () => {
    expect(resolveRefreshPolicy()).toEqual({
      forcedRefreshWindowMs: DEFAULT_FORCED_REFRESH_WINDOW_MS,
      refreshBeforeExpiryMs: DEFAULT_REFRESH_BEFORE_EXPIRY_MS,
      retryInitialDelayMs: DEFAULT_RETRY_INITIAL_DELAY_MS,
      retryMaxDelayMs: DEFAULT_RETRY_MAX_DELAY_MS,
      initialMaxRetries: DEFAULT_INITIAL_MAX_RETRIES,
    });
  });

  it('keeps given values, zero included', () => {
    const resolved = resolveRefreshPolicy({
      forcedRefreshWindowMs: 0,
      retryInitialDelayMs: 5,
      initialMaxRetries: 0,
    });
    expect(resolved).toMatchObject({
      forcedRefreshWindowMs: 0,
      retryInitialDelayMs: 5,
      initialMaxRetries: 0,
    });
    expect(resolved.retryMaxDelayMs).toBe(DEFAULT_RETRY_MAX_DELAY_MS);
  });
});

describe('refresh policy defaults', () => {
  it('are the documented values', () => {
    expect(DEFAULT_FORCED_REFRESH_WINDOW_MS).toBe(30 * SECOND);
    expect(DEFAULT_REFRESH_BEFORE_EXPIRY_MS).toBe(5 * MIN);
    expect(DEFAULT_RETRY_INITIAL_DELAY_MS).toBe(1 * SECOND);
    expect(DEFAULT_RETRY_MAX_DELAY_MS).toBe(30 * SECOND);
    expect(DEFAULT_INITIAL_MAX_RETRIES).toBe(3);
  });

  it('are exported from the package entry point', () => {
    expect(publicApi).toMatchObject({
      DEFAULT_FORCED_REFRESH_WINDOW_MS,
      DEFAULT_REFRESH_BEFORE_EXPIRY_MS,
      DEFAULT_RETRY_INITIAL_DELAY_MS,
      DEFAULT_RETRY_MAX_DELAY_MS,
      DEFAULT_INITIAL_MAX_RETRIES,
    });
  });
});

describe('usableUntil', () => {
  it('is the expiry minus the forced-refresh window', () => {
    expect(usableUntil(token(HOUR), policy)).toBe(T0 + HOUR - 30 * SECOND);
  });
});

describe('forcedRefreshWindow', () => {
  it.each([
    ['10 s', 10 * SECOND, 1 * SECOND],
    ['20 s', 20 * SECOND, 2 * SECOND],
    ['2 min', 2 * MIN, 12 * SECOND],
    ['5 min', 5 * MIN, 30 * SECOND],
    ['1 h', HOUR, 30 * SECOND],
    ['28 h', 28 * HOUR, 30 * SECOND],
  ])('for a %s token is a tenth of its life, at most forcedRefreshWindowMs', (_, life, window) => {
    expect(forcedRefreshWindow(token(life), policy)).toBe(window);
  });

  it('measures the lifetime from when the token arrived, not from now', () => {
    const cached = token(20 * SECOND, undefined, T0 - HOUR);
    expect(forcedRefreshWindow(cached, policy)).toBe(2 * SECOND);
  });

  it('keeps a configured window as the upper bound', () => {
    const narrow = resolveRefreshPolicy({ forcedRefreshWindowMs: 5 * SECOND });
    expect(forcedRefreshWindow(token(HOUR), narrow)).toBe(5 * SECOND);
    expect(forcedRefreshWindow(token(20 * SECOND), narrow)).toBe(2 * SECOND);
  });
});

describe('isAcceptable', () => {
  it('takes any token that lives more than a second after it arrives', () => {
    expect(isAcceptable(token(10 * SECOND), T0)).toBe(true);
    expect(isAcceptable(token(1_001), T0)).toBe(true);
  });

  it('refuses a token that is expired or expires within a second of arriving', () => {
    expect(isAcceptable(token(1_000), T0)).toBe(false);
    expect(isAcceptable(token(-SECOND), T0)).toBe(false);
  });

  it('refuses an expiry that is not a finite number', () => {
    expect(isAcceptable({ ...token(HOUR), expiresOnTimestamp: Number.NaN }, T0)).toBe(false);
    expect(isAcceptable({ ...token(HOUR), expiresOnTimestamp: Infinity }, T0)).toBe(false);
  });
});

describe('isUsable', () => {
  const oneHour = token(HOUR);
  const edge = oneHour.expiresOnTimestamp - DEFAULT_FORCED_REFRESH_WINDOW_MS;

  it('is true up to the last millisecond before the forced-refresh window', () => {
    expect(isUsable(oneHour, edge - 1, policy)).toBe(true);
  });

  it('is false from the first millisecond of the forced-refresh window', () => {
    expect(isUsable(oneHour, edge, policy)).toBe(false);
  });

  it('is false once the token has expired', () => {
    expect(isUsable(oneHour, oneHour.expiresOnTimestamp + 1, policy)).toBe(false);
  });

  it('follows a configured window', () => {
    const wide = resolveRefreshPolicy({ forcedRefreshWindowMs: 2 * MIN });
    expect(isUsable(oneHour, oneHour.expiresOnTimestamp - 2 * MIN - 1, wide)).toBe(true);
    expect(isUsable(oneHour, oneHour.expiresOnTimestamp - 2 * MIN, wide)).toBe(false);
  });
});

describe('refreshAt', () => {
  it('honours refresh_in when the authority gave one', () => {
    expect(refreshAt(token(24 * HOUR, 12 * HOUR), policy)).toBe(T0 + 12 * HOUR);
  });

  it('clamps refresh_in to the end of the usable window', () => {
    const late = token(HOUR, HOUR);
    expect(refreshAt(late, policy)).toBe(usableUntil(late, policy));
  });

  it('refreshes five minutes before expiry when that is later than half the lifetime', () => {
    expect(refreshAt(token(HOUR), policy)).toBe(T0 + 55 * MIN);
  });

  it('refreshes at half the lifetime when that is later than five minutes before expiry', () => {
    expect(refreshAt(token(8 * MIN), policy)).toBe(T0 + 4 * MIN);
  });

  it('measures half the lifetime from when the token was obtained', () => {
    const obtainedLate = token(8 * MIN, undefined, T0 + HOUR);
    expect(refreshAt(obtainedLate, policy)).toBe(T0 + HOUR + 4 * MIN);
  });

  it('never refreshes after the token stops being usable', () => {
    // The window is capped at a tenth of the hour: usable until 54 min, before the 55 min rule.
    const wide = resolveRefreshPolicy({ forcedRefreshWindowMs: 50 * MIN });
    expect(refreshAt(token(HOUR), wide)).toBe(T0 + 54 * MIN);
  });

  it.each([
    ['10 s', 10 * SECOND, 5 * SECOND],
    ['20 s', 20 * SECOND, 10 * SECOND],
    ['40 s', 40 * SECOND, 20 * SECOND],
    ['2 min', 2 * MIN, 1 * MIN],
  ])('refreshes a %s token at half its life, well ahead of its forced window', (_, life, at) => {
    const short = token(life);
    expect(refreshAt(short, policy)).toBe(T0 + at);
    expect(refreshAt(short, policy)).toBeLessThan(usableUntil(short, policy));
  });

  it('uses a configured refreshBeforeExpiryMs', () => {
    const early = resolveRefreshPolicy({ refreshBeforeExpiryMs: 20 * MIN });
    expect(refreshAt(token(HOUR), early)).toBe(T0 + 40 * MIN);
  });
});

describe('retryDelay', () => {
  const top = (): number => 1;
  const bottom = (): number => 0;

  it('starts at retryInitialDelayMs and doubles with each attempt', () => {
    expect([0, 1, 2, 3].map((attempt) => retryDelay(attempt, policy, top))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ]);
  });

  it('never exceeds retryMaxDelayMs', () => {
    expect([5, 10, 100, 2_000].map((attempt) => retryDelay(attempt, policy, top))).toEqual([
      30_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('jitters down to half the delay when random is 0', () => {
    expect([0, 1, 10].map((attempt) => retryDelay(attempt, policy, bottom))).toEqual([
      500, 1_000, 15_000,
    ]);
  });

  it('stays within [d/2, d] for any random value', () => {
    for (const r of [0, 0.25, 0.5, 0.999, 1]) {
      const delay = retryDelay(2, policy, () => r);
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(4_000);
    }
  });

  it('waits at least Retry-After', () => {
    expect(retryDelay(0, policy, top, 120_000)).toBe(120_000);
  });

  it('keeps its own delay when Retry-After is shorter', () => {
    expect(retryDelay(3, policy, top, 500)).toBe(8_000);
  });

  it('may exceed retryMaxDelayMs to honour Retry-After', () => {
    expect(retryDelay(10, policy, bottom, 90_000)).toBe(90_000);
  });

  it('follows configured delays', () => {
    const fast = resolveRefreshPolicy({ retryInitialDelayMs: 5, retryMaxDelayMs: 20 });
    expect([0, 1, 2, 3].map((attempt) => retryDelay(attempt, fast, top))).toEqual([5, 10, 20, 20]);
  });
});

describe('decideRetry', () => {
  const policy = resolveRefreshPolicy();
  const NOW = Date.UTC(2026, 0, 1);
  const token = { token: 't', expiresOnTimestamp: NOW + 120_000, obtainedAt: NOW - 3_480_000 };

  it.each([
    [
      'a transient first failure',
      { transient: true },
      1,
      undefined,
      { retry: true, delayMs: 1000 },
    ],
    [
      'the fourth transient failure of a first acquisition',
      { transient: true },
      4,
      undefined,
      { retry: false, afterMs: 0 },
    ],
    [
      'a non-transient first failure',
      { transient: false },
      1,
      undefined,
      { retry: false, afterMs: 0 },
    ],
    [
      'a refresh failure while the token lasts',
      { transient: false },
      3,
      token,
      { retry: true, delayMs: 4000 },
    ],
    [
      'a refresh failure whose Retry-After outlives the token',
      { transient: true, retryAfterMs: 600_000 },
      1,
      token,
      { retry: false, afterMs: 90_000 },
    ],
    [
      'a refresh failure after the usable window',
      { transient: true },
      1,
      { ...token, expiresOnTimestamp: NOW + 10_000 },
      { retry: false, afterMs: 0 },
    ],
  ])('decides for %s', (_name, failure, count, fallback, expected) => {
    expect(decideRetry(failure, count, NOW, policy, () => 1, fallback)).toEqual(expected);
  });

  it('gives a first acquisition up at once when Retry-After asks for more than a minute', () => {
    expect(decideRetry({ transient: true, retryAfterMs: 60_000 }, 1, NOW, policy, () => 1)).toEqual(
      { retry: true, delayMs: 60_000 },
    );
    expect(decideRetry({ transient: true, retryAfterMs: 60_001 }, 1, NOW, policy, () => 1)).toEqual(
      { retry: false, afterMs: 0 },
    );
  });

  it('does not retry a first acquisition the credential has already retried itself', () => {
    const exhausted = { transient: true, retriesExhausted: true };
    expect(decideRetry(exhausted, 1, NOW, policy, () => 1)).toEqual({ retry: false, afterMs: 0 });
    // A refresh still retries it while the current token lasts.
    expect(decideRetry(exhausted, 1, NOW, policy, () => 1, token)).toEqual({
      retry: true,
      delayMs: 1_000,
    });
  });

  it("caps a short-lived token's refresh retries at a twentieth of its lifetime", () => {
    const short = { token: 't', expiresOnTimestamp: NOW + 10_000, obtainedAt: NOW - 10_000 };
    expect(
      [1, 2, 5].map((count) =>
        decideRetry({ transient: true }, count, NOW, policy, () => 1, short),
      ),
    ).toEqual([
      { retry: true, delayMs: 1_000 },
      { retry: true, delayMs: 1_000 },
      { retry: true, delayMs: 1_000 },
    ]);
    const tiny = { token: 't', expiresOnTimestamp: NOW + 1_000, obtainedAt: NOW - 1_000 };
    expect(decideRetry({ transient: true }, 1, NOW, policy, () => 1, tiny)).toEqual({
      retry: true,
      delayMs: 100,
    });
  });

  it('still waits at least Retry-After in a short-lived refresh', () => {
    const short = { token: 't', expiresOnTimestamp: NOW + 10_000, obtainedAt: NOW - 10_000 };
    expect(
      decideRetry({ transient: true, retryAfterMs: 3_000 }, 1, NOW, policy, () => 1, short),
    ).toEqual({ retry: true, delayMs: 3_000 });
  });

  it('caps the backoff, and never waits past the end of the usable window', () => {
    expect(decideRetry({ transient: true }, 9, NOW, policy, () => 1, token)).toEqual({
      retry: true,
      delayMs: 30_000,
    });
    expect(decideRetry({ transient: true }, 9, NOW + 80_000, policy, () => 1, token)).toEqual({
      retry: true,
      delayMs: 10_000,
    });
  });
});
