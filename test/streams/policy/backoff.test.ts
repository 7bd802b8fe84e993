import { backoffDelay } from '../../../src/streams/policy/backoff.js';

describe('backoffDelay', () => {
  const options = { initialDelayMs: 800, maxDelayMs: 64_000 };

  it('doubles from initialDelayMs up to maxDelayMs', () => {
    expect([0, 1, 2, 3, 6, 7, 20].map((a) => backoffDelay(a, options, () => 1))).toEqual([
      800, 1_600, 3_200, 6_400, 51_200, 64_000, 64_000,
    ]);
  });

  it('jitters into [d/2, d]', () => {
    expect(backoffDelay(2, options, () => 0)).toBe(1_600);
    for (const r of [0.1, 0.5, 0.99]) {
      const delay = backoffDelay(2, options, () => r);
      expect(delay).toBeGreaterThanOrEqual(1_600);
      expect(delay).toBeLessThanOrEqual(3_200);
    }
  });

  it('is never shorter than Retry-After, which may exceed maxDelayMs', () => {
    expect(backoffDelay(0, options, () => 1, 5_000)).toBe(5_000);
    expect(backoffDelay(10, options, () => 1, 100_000)).toBe(100_000);
    expect(backoffDelay(3, options, () => 1, 10)).toBe(6_400);
  });
});
