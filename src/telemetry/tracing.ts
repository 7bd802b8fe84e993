import {
  context as otelContext,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { Observable } from 'rxjs';
import { redact } from './redact.js';

/** The name of the span around every acquisition attempt. */
export const ACQUIRE_SPAN_NAME = 'reactive-identity.acquire_token';
export const TRACER_NAME = 'reactive-identity';
/** The span recorded when a cache layer fails and the engine carries on without it. */
export const CACHE_DEGRADED_SPAN_NAME = 'reactive-identity.cache_degraded';

/** Attribute names, shared by spans and metrics. Values are never tokens or secrets. */
export const Attr = {
  credential: 'azure.identity.credential',
  tenant: 'azure.identity.tenant_id',
  scopes: 'azure.identity.scopes',
  scopeCount: 'azure.identity.scope_count',
  cae: 'azure.identity.cae',
  reason: 'azure.identity.refresh_reason',
  cacheLayer: 'azure.identity.cache.layer',
  cacheHit: 'azure.identity.cache.hit',
  outcome: 'azure.identity.outcome',
  chainLink: 'azure.identity.chain.link',
  errorType: 'error.type',
} as const;

/** A span that says a cache layer failed and the engine carried on without it. */
export function recordCacheDegraded(
  tracer: Tracer,
  layer: string,
  operation: string,
  message: string,
): void {
  const span = tracer.startSpan(CACHE_DEGRADED_SPAN_NAME, {
    attributes: { [Attr.cacheLayer]: layer, 'azure.identity.cache.operation': operation },
  });
  span.setStatus({ code: SpanStatusCode.ERROR, message: redact(message) });
  span.end();
}

/** Returns the library's tracer from the given provider, or the global one. */
export function getTracer(provider?: TracerProvider): Tracer {
  return (provider ?? trace.getTracerProvider()).getTracer(TRACER_NAME);
}

/**
 * Runs `work` inside a new span: the span starts on subscription, records the outcome, and ends
 * on success, error or cancellation alike. A timer-driven run (no parent) starts a root span.
 */
export function withSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  work: (span: Span) => Observable<T>,
  parent: Context = otelContext.active(),
  links: Link[] = [],
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const span = tracer.startSpan(name, { attributes, links }, parent);
    let settled = false;
    const inner = otelContext
      .with(trace.setSpan(parent, span), () => work(span))
      .subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => {
          settled = true;
          recordFailure(span, error);
          span.end();
          subscriber.error(error);
        },
        complete: () => {
          settled = true;
          span.setAttribute(Attr.outcome, 'success');
          span.setStatus({ code: SpanStatusCode.OK });
          span.end();
          subscriber.complete();
        },
      });
    return () => {
      inner.unsubscribe();
      if (!settled) {
        span.setAttribute(Attr.outcome, 'cancelled');
        span.end();
      }
    };
  });
}

function recordFailure(span: Span, error: unknown): void {
  const code = (error as { code?: unknown }).code;
  const type = typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
  span.setAttribute(Attr.outcome, 'failure');
  span.setAttribute(Attr.errorType, type);
  const message = error instanceof Error ? redact(error.message) : 'unknown error';
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
