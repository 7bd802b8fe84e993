import { backoffDelay } from '../../streams/policy/backoff.js';
import type { RandomSource } from '../../streams/clock.js';

/** How a managed identity source retries answers that may succeed later. */
export interface RetrySchedule {
  /** Statuses worth another try. */
  retries(status: number): boolean;
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /**
   * The longest `Retry-After` the retries honour; an answer asking for a longer wait ends them
   * at once (with the error, which carries the wait), rather than hold the caller that long.
   */
  maxRetryAfterMs: number;
  /** A longer first delay for some statuses (IMDS 410 while it restarts). */
  initialDelayFor?(status: number): number | undefined;
}

/**
 * IMDS: 404 (identity not yet provisioned), 410 (IMDS restarting), 429 and 5xx; five retries
 * from 800 ms doubling to 64 s. After a 410 the first delay is 6 s, so that with the jitter's
 * worst case (half of each delay, the last one capped) the retries still span more than the 70 s
 * IMDS may take to come back: 3 + 6 + 12 + 24 + 32 = 77 s.
 */
export const IMDS_RETRY: RetrySchedule = {
  retries: (status) => status === 404 || status === 410 || status === 429 || status >= 500,
  maxRetries: 5,
  initialDelayMs: 800,
  maxDelayMs: 64_000,
  maxRetryAfterMs: 64_000,
  initialDelayFor: (status) => (status === 410 ? 6_000 : undefined),
};

/** Other hosts' endpoints (App Service, Service Fabric, Arc...): three retries from 1 s, as msal-node. */
export const HOST_RETRY: RetrySchedule = {
  retries: (status) => [404, 408, 429, 500, 503, 504].includes(status),
  maxRetries: 3,
  initialDelayMs: 1_000,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
};

/** The delay before retry `attempt` (0-based) after an answer with `status`: the library's backoff. */
export function miRetryDelay(
  schedule: RetrySchedule,
  attempt: number,
  status: number,
  random: RandomSource,
  retryAfterMs?: number,
): number {
  const initialDelayMs = schedule.initialDelayFor?.(status) ?? schedule.initialDelayMs;
  return backoffDelay(
    attempt,
    { initialDelayMs, maxDelayMs: schedule.maxDelayMs },
    random,
    retryAfterMs,
  );
}
