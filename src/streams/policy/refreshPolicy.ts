/**
 * When to refresh a token, whether it may still be handed out, and how long to wait before
 * retrying a failed acquisition. Pure functions of their arguments, tested alone.
 */
import { backoffDelay } from './backoff.js';
import type { RandomSource } from '../clock.js';

/** A token as the engine keeps it: what the caller sees plus when it was obtained. */
export interface TokenRecord {
  token: string;
  expiresOnTimestamp: number;
  /** When the authority asked for a refresh (`refresh_in`), in ms since the epoch. */
  refreshAfterTimestamp?: number;
  tokenType?: 'Bearer' | 'pop';
  /** When the engine received it (scheduler time, ms). */
  obtainedAt: number;
}

/** Timing options of the refresh policy; every field has an exported default. */
export interface RefreshPolicyOptions {
  /** A token is never handed out this close to its expiry. Default 30 s. */
  forcedRefreshWindowMs?: number;
  /** Without `refresh_in`, refresh no later than this long before expiry. Default 5 min. */
  refreshBeforeExpiryMs?: number;
  /** First retry delay after a failed acquisition. Default 1 s. */
  retryInitialDelayMs?: number;
  /** Ceiling of the exponential retry delay. Default 30 s. */
  retryMaxDelayMs?: number;
  /** Retries of a first acquisition (no token to fall back on) on transient errors. Default 3. */
  initialMaxRetries?: number;
}

export const DEFAULT_FORCED_REFRESH_WINDOW_MS = 30_000;
export const DEFAULT_REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
export const DEFAULT_RETRY_INITIAL_DELAY_MS = 1_000;
export const DEFAULT_RETRY_MAX_DELAY_MS = 30_000;
export const DEFAULT_INITIAL_MAX_RETRIES = 3;

/**
 * The forced-refresh window never exceeds this fraction of a token's lifetime, so a token that
 * lives less than `forcedRefreshWindowMs` is still handed out (for most of its life).
 */
export const FORCED_WINDOW_LIFETIME_FRACTION = 0.1;
/** A refresh's retry delay never exceeds this fraction of the old token's lifetime. */
export const RETRY_DELAY_LIFETIME_FRACTION = 0.05;
/** The shortest retry delay a short-lived token's refresh may use. */
export const MIN_RETRY_DELAY_MS = 50;
/**
 * The longest `Retry-After` a first acquisition waits out: its caller has no token meanwhile, so a
 * longer one fails at once with the authority's error (which carries `retryAfterMs`).
 */
export const MAX_FIRST_RETRY_AFTER_MS = 60_000;
/** A token that expires this soon after it arrives is refused: nobody could use it. */
export const MIN_LIFETIME_ON_ARRIVAL_MS = 1_000;

/** The policy with every default filled in. */
export type ResolvedRefreshPolicy = Required<RefreshPolicyOptions>;

export function resolveRefreshPolicy(options: RefreshPolicyOptions = {}): ResolvedRefreshPolicy {
  return {
    forcedRefreshWindowMs: options.forcedRefreshWindowMs ?? DEFAULT_FORCED_REFRESH_WINDOW_MS,
    refreshBeforeExpiryMs: options.refreshBeforeExpiryMs ?? DEFAULT_REFRESH_BEFORE_EXPIRY_MS,
    retryInitialDelayMs: options.retryInitialDelayMs ?? DEFAULT_RETRY_INITIAL_DELAY_MS,
    retryMaxDelayMs: options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS,
    initialMaxRetries: options.initialMaxRetries ?? DEFAULT_INITIAL_MAX_RETRIES,
  };
}

/** How long the engine has known the token would live: from its arrival to its expiry. */
export function lifetimeOf(token: TokenRecord): number {
  return Math.max(0, token.expiresOnTimestamp - token.obtainedAt);
}

/**
 * How close to its expiry the token stops being handed out: `forcedRefreshWindowMs`, or a tenth of
 * its lifetime when that is shorter (a 20 s token is usable for 18 s, a 1 h token for 59.5 min).
 */
export function forcedRefreshWindow(token: TokenRecord, policy: ResolvedRefreshPolicy): number {
  return Math.min(
    policy.forcedRefreshWindowMs,
    lifetimeOf(token) * FORCED_WINDOW_LIFETIME_FRACTION,
  );
}

/** The last instant at which the token may be handed out. */
export function usableUntil(token: TokenRecord, policy: ResolvedRefreshPolicy): number {
  return token.expiresOnTimestamp - forcedRefreshWindow(token, policy);
}

/** Whether a token just received lives long enough to be handed out at all. */
export function isAcceptable(token: TokenRecord, now: number): boolean {
  return (
    Number.isFinite(token.expiresOnTimestamp) &&
    token.expiresOnTimestamp - now > MIN_LIFETIME_ON_ARRIVAL_MS
  );
}

/** Whether the token may be handed to a caller at `now`. */
export function isUsable(token: TokenRecord, now: number, policy: ResolvedRefreshPolicy): boolean {
  return now < usableUntil(token, policy);
}

/**
 * When to start refreshing: at `refreshAfterTimestamp` when the authority gave one, otherwise the
 * later of half the lifetime and `refreshBeforeExpiryMs` before expiry; never past the point where
 * the token stops being usable.
 */
export function refreshAt(token: TokenRecord, policy: ResolvedRefreshPolicy): number {
  const limit = usableUntil(token, policy);
  if (token.refreshAfterTimestamp !== undefined)
    return Math.min(token.refreshAfterTimestamp, limit);
  const halfLife = token.obtainedAt + (token.expiresOnTimestamp - token.obtainedAt) / 2;
  const beforeExpiry = token.expiresOnTimestamp - policy.refreshBeforeExpiryMs;
  return Math.min(Math.max(halfLife, beforeExpiry), limit);
}

/**
 * The delay before retry number `attempt` (0 for the first retry): exponential from
 * `retryInitialDelayMs`, capped at `retryMaxDelayMs`, with jitter in [d/2, d]; never shorter than
 * the authority's `Retry-After`.
 */
export function retryDelay(
  attempt: number,
  policy: ResolvedRefreshPolicy,
  random: RandomSource,
  retryAfterMs?: number,
  maxDelayMs = policy.retryMaxDelayMs,
): number {
  return backoffDelay(
    attempt,
    { initialDelayMs: policy.retryInitialDelayMs, maxDelayMs },
    random,
    retryAfterMs,
  );
}

/** What to do after a failed attempt: retry after `delayMs`, or give up (after `afterMs`). */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; afterMs: number };

/**
 * Decides what follows failed attempt number `count` (1-based). Without a token to fall back on
 * (a first acquisition), only transient errors are retried, `initialMaxRetries` times, and not
 * those the credential has already retried itself (`retriesExhausted`). With one
 * (a refresh), any error is retried while the token stays usable, with delays capped at a
 * twentieth of its lifetime (so a 20 s token's refresh gets many tries before it is due), but
 * never sooner than the authority's `Retry-After`: if that wait outlives the token, the stream
 * gives up when it expires. A first acquisition told to wait longer than
 * `MAX_FIRST_RETRY_AFTER_MS` fails at once with the authority's error rather than hold its caller.
 */
export function decideRetry(
  failure: { transient: boolean; retryAfterMs?: number; retriesExhausted?: boolean },
  count: number,
  now: number,
  policy: ResolvedRefreshPolicy,
  random: RandomSource,
  fallback?: TokenRecord,
): RetryDecision {
  if (fallback === undefined) {
    const delayMs = retryDelay(count - 1, policy, random, failure.retryAfterMs);
    const retry =
      failure.transient &&
      failure.retriesExhausted !== true &&
      count <= policy.initialMaxRetries &&
      (failure.retryAfterMs ?? 0) <= MAX_FIRST_RETRY_AFTER_MS;
    return retry ? { retry, delayMs } : { retry, afterMs: 0 };
  }
  const cap = Math.max(
    MIN_RETRY_DELAY_MS,
    Math.min(policy.retryMaxDelayMs, lifetimeOf(fallback) * RETRY_DELAY_LIFETIME_FRACTION),
  );
  const delayMs = retryDelay(count - 1, policy, random, failure.retryAfterMs, cap);
  const remaining = usableUntil(fallback, policy) - now;
  if (remaining <= 0) return { retry: false, afterMs: 0 };
  if (failure.retryAfterMs !== undefined && failure.retryAfterMs > remaining) {
    return { retry: false, afterMs: remaining };
  }
  return { retry: true, delayMs: Math.min(delayMs, remaining) };
}
