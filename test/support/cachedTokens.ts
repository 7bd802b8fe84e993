import type { CachedToken } from '../../src/cache/cacheLayer.js';

/** The cache tests' epoch, and an hour. */
export const T0 = Date.UTC(2026, 0, 1);
export const HOUR = 3_600_000;

/** A cached token obtained at `T0` whose value is easy to search for in files. */
export function token(value: string, expiresOnTimestamp = T0 + HOUR): CachedToken {
  return { token: value, expiresOnTimestamp, obtainedAt: T0 };
}
