import type { GetTokenOptions } from '@azure/core-auth';
import { context as otelContext, type Context } from '@opentelemetry/api';
import { throwError, timeout, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { AbortError, ClosedError, NetworkError } from '../errors.js';
import type { EventLoopHold } from './clock.js';

/**
 * One caller's wait for the first value of a shared stream: in the caller's tracing context (so
 * the acquisition span is its child), bounded by its `requestOptions.timeout`, cancelled by its
 * `abortSignal`, and holding the process alive until it settles. None of these touch the shared
 * acquisition: the caller only drops its own subscription.
 */
export function waitForCaller<T>(
  source: Observable<T>,
  options: GetTokenOptions,
  scheduler: SchedulerLike,
  hold: EventLoopHold,
): Promise<T> {
  const timeoutMs = options.requestOptions?.timeout;
  const bounded =
    timeoutMs === undefined || timeoutMs <= 0
      ? source
      : source.pipe(
          timeout({
            first: timeoutMs,
            scheduler,
            with: () =>
              throwError(
                () => new NetworkError(`No token within the request timeout of ${timeoutMs} ms.`),
              ),
          }),
        );
  const parent = options.tracingOptions?.tracingContext as Context | undefined;
  const release = hold();
  const wait =
    parent === undefined
      ? firstValueWithAbort(bounded, options.abortSignal)
      : otelContext.with(parent, () => firstValueWithAbort(bounded, options.abortSignal));
  return wait.finally(release);
}

/**
 * The first value of `source` as a promise, for one caller. Aborting rejects this caller's
 * promise and drops its subscription only.
 */
export function firstValueWithAbort<T>(
  source: Observable<T>,
  signal?: GetTokenOptions['abortSignal'],
): Promise<T> {
  if (signal?.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    // Assigned once, but read by callbacks that may run during subscribe(), before a const exists.
    // eslint-disable-next-line prefer-const
    let subscription: Subscription | undefined;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (!settle()) return;
      subscription?.unsubscribe();
      reject(abortError());
    };
    subscription = source.subscribe({
      next: (value) => {
        if (!settle()) return;
        // Leave at once: a caller that has its token no longer holds the stream open.
        subscription?.unsubscribe();
        resolve(value);
      },
      error: (error: unknown) => {
        if (settle()) reject(error);
      },
      complete: () => {
        if (settle())
          reject(new ClosedError('The token stream was closed before a token arrived.'));
      },
    });
    if (settled) subscription.unsubscribe();
    else signal?.addEventListener('abort', onAbort);
  });
}

function abortError(): AbortError {
  return new AbortError('The operation was aborted by the caller.');
}
