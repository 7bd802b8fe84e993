import { switchMap, throwError, timer, type Observable, type SchedulerLike } from 'rxjs';
import { describeError, isIdentityError, isTransientError } from '../../errors.js';
import type { RandomSource } from '../clock.js';
import type { KeyStats } from './keyStats.js';
import type { KeyEventBody } from './keyStreamContext.js';
import {
  decideRetry,
  type ResolvedRefreshPolicy,
  type TokenRecord,
} from '../policy/refreshPolicy.js';

/** What the retry flow of one key needs. */
export interface RetryFlowContext {
  scheduler: SchedulerLike;
  random: RandomSource;
  policy: ResolvedRefreshPolicy;
  stats: KeyStats;
  emit(body: KeyEventBody): void;
}

/**
 * What follows failed attempt number `count` of a key, as `retry`'s delay notifier: a timer to
 * the next attempt (the key is `retrying`), or the error once no usable token remains (the key is
 * `expired`), at once or when the current token stops being usable. The decision itself is the
 * pure {@link decideRetry}.
 */
export function afterFailure(
  error: unknown,
  count: number,
  fallback: TokenRecord | undefined,
  ctx: RetryFlowContext,
): Observable<unknown> {
  const failure = {
    transient: isTransientError(error),
    retriesExhausted: isIdentityError(error) && error.retriesExhausted,
    retryAfterMs: (error as { retryAfterMs?: number }).retryAfterMs,
  };
  const { scheduler, policy, random, stats } = ctx;
  const decision = decideRetry(failure, count, scheduler.now(), policy, random, fallback);
  const expire = (): Observable<never> => {
    stats.state = 'expired';
    ctx.emit({ type: 'token-expired', errorCode: describeError(error) });
    return throwError(() => error);
  };
  if (decision.retry) {
    stats.state = 'retrying';
    ctx.emit({
      type: 'retry-scheduled',
      retryAt: scheduler.now() + decision.delayMs,
      attempt: count,
    });
    return timer(decision.delayMs, scheduler);
  }
  if (decision.afterMs === 0) return expire();
  return timer(decision.afterMs, scheduler).pipe(switchMap(expire));
}
