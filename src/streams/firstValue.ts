import type { GetTokenOptions } from '@azure/core-auth';
import type { Observable, Subscription } from 'rxjs';
import { AbortError, ClosedError } from '../errors.js';

/**
 * The first value of `source` as a promise, for one caller. Aborting rejects this caller's
 * promise and drops its subscription only: a shared acquisition goes on for the others.
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
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      subscription?.unsubscribe();
      reject(abortError());
    };
    subscription = source.subscribe({
      next: (value) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        // Leave at once: a caller that has its token no longer holds the stream open.
        subscription?.unsubscribe();
        resolve(value);
      },
      error: (error: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
      complete: () => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
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
