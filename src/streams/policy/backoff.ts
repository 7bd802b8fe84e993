import type { RandomSource } from '../clock.js';

/** The shape of an exponential backoff; each field in ms. */
export interface BackoffOptions {
  /** The delay before the first retry (before jitter). */
  initialDelayMs: number;
  /** The ceiling of the exponential delay (before jitter). */
  maxDelayMs: number;
}

/**
 * The one backoff of the library: the delay before retry number `attempt` (0 for the first),
 * `initialDelayMs` doubling per attempt up to `maxDelayMs`, jittered uniformly into [d/2, d], and
 * never shorter than the authority's `Retry-After`. The engine's refreshes and managed identity's
 * host schedules are both this function with their own options.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: RandomSource,
  retryAfterMs?: number,
): number {
  const exponential = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** attempt);
  const jittered = exponential / 2 + (random() * exponential) / 2;
  return Math.max(Math.round(jittered), retryAfterMs ?? 0);
}
