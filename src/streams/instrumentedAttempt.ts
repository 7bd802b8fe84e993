import type { AccessToken } from '@azure/core-auth';
import {
  context as otelContext,
  ROOT_CONTEXT,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import { from, Observable, type ObservableInput, type SchedulerLike } from 'rxjs';
import type { RefreshReason } from '../telemetry/events.js';
import type { IdentityMetrics } from '../telemetry/metrics.js';
import { ACQUIRE_SPAN_NAME, Attr, withSpan } from '../telemetry/tracing.js';
import type { StreamKey, TokenRequest } from './streamKey.js';
import { describeError } from '../errors.js';

/** One acquisition as a credential sees it. */
export interface AcquireRequest extends TokenRequest {
  claims?: string;
  reason: RefreshReason;
  /** Fires when nobody waits for this attempt any more. */
  abortSignal: AbortSignal;
  /**
   * Fires when no caller waits for the key's token (at once for a timer-driven refresh), while
   * the engine may carry on with this attempt to keep the key warm. A step that needs the user (a
   * sign-in prompt) stops then. Absent: someone outside the engine waits (`authenticate()`).
   */
  unattendedSignal?: AbortSignal;
}

/** What an instrumented attempt needs from the engine. */
export interface AttemptContext {
  tracer: Tracer;
  metrics: IdentityMetrics;
  scheduler: SchedulerLike;
  /** See {@link AcquireRequest.unattendedSignal}; read when each attempt starts. */
  unattended?(): AbortSignal;
  /** The live instance that acquires for the key's identity, or an error if none is left. */
  acquirer(): ((request: AcquireRequest) => ObservableInput<AccessToken>) | Error;
}

/**
 * One acquisition attempt in a span, with metrics. A timer-driven refresh has no caller: its span
 * is a root linked to the span that created the stream. Cancelling the attempt aborts the
 * credential's request.
 */
export function instrumentedAttempt(
  ctx: AttemptContext,
  key: StreamKey,
  reason: RefreshReason,
  claims?: string,
  creator?: SpanContext,
): Observable<AccessToken> {
  const attributes = {
    [Attr.credential]: key.credential,
    [Attr.tenant]: key.tenantId ?? '',
    [Attr.scopes]: key.scopes.join(' '),
    [Attr.scopeCount]: key.scopes.length,
    [Attr.cae]: key.enableCae,
    [Attr.reason]: reason,
    [Attr.cacheHit]: false,
  };
  const timerDriven = reason === 'proactive';
  const parent = timerDriven ? ROOT_CONTEXT : otelContext.active();
  const links = timerDriven && creator !== undefined ? [{ context: creator }] : [];
  const request = {
    scopes: key.scopes,
    tenantId: key.tenantId,
    enableCae: key.enableCae,
    claims,
    reason,
  };
  return withSpan(
    ctx.tracer,
    ACQUIRE_SPAN_NAME,
    attributes,
    () => attempt(ctx, key.credential, request),
    parent,
    links,
  );
}

function attempt(
  ctx: AttemptContext,
  credential: string,
  request: Omit<AcquireRequest, 'abortSignal'>,
): Observable<AccessToken> {
  return new Observable<AccessToken>((subscriber) => {
    const acquire = ctx.acquirer();
    if (acquire instanceof Error) {
      subscriber.error(acquire);
      return;
    }
    const started = ctx.scheduler.now();
    const elapsed = (): number => ctx.scheduler.now() - started;
    const abort = new AbortController();
    // `subscriber.closed` is already true inside the teardown, so track settling ourselves.
    let settled = false;
    const unattendedSignal = ctx.unattended?.();
    const inner = from(
      acquire({ ...request, abortSignal: abort.signal, unattendedSignal }),
    ).subscribe({
      next: (token) => {
        ctx.metrics.acquisition(credential, 'success', elapsed());
        subscriber.next(token);
      },
      error: (error: unknown) => {
        settled = true;
        ctx.metrics.acquisition(credential, 'failure', elapsed(), describeError(error));
        if (request.reason === 'proactive') ctx.metrics.refreshFailure(credential);
        subscriber.error(error);
      },
      complete: () => {
        settled = true;
        subscriber.complete();
      },
    });
    return () => {
      inner.unsubscribe();
      if (!settled) abort.abort();
    };
  });
}
