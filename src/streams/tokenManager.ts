import type { AccessToken, GetTokenOptions } from '@azure/core-auth';
import {
  context as otelContext,
  SpanStatusCode,
  type Context,
  type MeterProvider,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import {
  defer,
  map,
  Observable,
  Subject,
  takeUntil,
  tap,
  type ObservableInput,
  type SchedulerLike,
  throwError,
  timeout,
} from 'rxjs';
import type { CacheLayer } from '../cache/cacheLayer.js';
import { LayeredCache } from '../cache/layeredCache.js';
import { MemoryLayer } from '../cache/memoryLayer.js';
import { MsalCaches, type MsalCacheStore } from '../cache/msalCacheStore.js';
import { DiskLayer } from '../cache/diskLayer.js';
import { DiskMsalCacheStore } from '../cache/diskMsalCacheStore.js';
import type { PersistenceOptions } from '../cache/persistenceOptions.js';
import { ClosedError, NetworkError } from '../errors.js';
import type { TokenEvent } from '../telemetry/events.js';
import { IdentityMetrics } from '../telemetry/metrics.js';
import { redact } from '../telemetry/redact.js';
import { Attr, CACHE_DEGRADED_SPAN_NAME, getTracer } from '../telemetry/tracing.js';
import {
  createEventLoopHold,
  defaultRandom,
  unrefScheduler,
  type EventLoopHold,
  type RandomSource,
} from './clock.js';
import { firstValueWithAbort } from './firstValue.js';
import { KeyStream } from './keyStream.js';
import { toAccessToken } from './tokenRecord.js';
import { EngineReadings } from './engineReadings.js';
import {
  instrumentedAttempt,
  type AcquireRequest,
  type AttemptContext,
} from './instrumentedAttempt.js';

export type { AcquireRequest };
import {
  resolveRefreshPolicy,
  type RefreshPolicyOptions,
  type ResolvedRefreshPolicy,
} from './refreshPolicy.js';
import {
  streamKeyId,
  toStreamKey,
  type CredentialIdentity,
  type StreamKey,
  type TokenRequest,
} from './streamKey.js';
import { snapshotOf, type KeySnapshot } from './snapshot.js';

/** How a credential plugs into the engine: who it is and how to acquire one token, cold. */
export interface CredentialBinding {
  identity: CredentialIdentity;
  acquire(request: AcquireRequest): ObservableInput<AccessToken>;
}

/** Options of a {@link TokenManager}; each field's default is documented. */
export interface TokenManagerOptions extends RefreshPolicyOptions {
  /** Time source and timers. Default: the wall clock, with timers that never keep Node alive. */
  scheduler?: SchedulerLike;
  /** Jitter source. Default `Math.random`. */
  random?: RandomSource;
  /**
   * What keeps the process alive while a caller waits for a token (a `getToken` that is not a
   * cache hit, a `token$` subscriber before its first token). Default: a ref'd idle timer while
   * anyone waits. The engine's own timers never hold the process.
   */
  eventLoopHold?: EventLoopHold;
  /** How long a key keeps refreshing after its last subscriber or `getToken`. Default 10 min. */
  keepWarmMs?: number;
  /** Cache layers, first tried first. Default: one {@link MemoryLayer} of 1000 entries. */
  cacheLayers?: CacheLayer[];
  /** Where spans go. Default: the global OpenTelemetry tracer provider. */
  tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global OpenTelemetry meter provider. */
  meterProvider?: MeterProvider;
  /**
   * Where MSAL keeps accounts and refresh tokens for user credentials, shared by every credential
   * on this engine. Default: in this process's memory.
   */
  msalCacheStore?: MsalCacheStore;
  /**
   * Adds the disk layer under the memory one and keeps MSAL's accounts on disk too, shared by
   * every process of the user (see {@link PersistenceOptions}). Ignored when `cacheLayers` or
   * `msalCacheStore` are given.
   */
  persistence?: PersistenceOptions;
}

export const DEFAULT_KEEP_WARM_MS = 10 * 60_000;

/**
 * The engine: one shared, self-refreshing stream per key, the cache layers behind them, and the
 * telemetry around every acquisition. Credentials with the same identity share its streams.
 */
export class TokenManager {
  readonly scheduler: SchedulerLike;
  readonly policy: ResolvedRefreshPolicy;
  /** The jitter source, for credentials' own retries. */
  readonly random: RandomSource;
  private readonly keepWarmMs: number;
  private readonly hold: EventLoopHold;
  private readonly cache: LayeredCache;
  private readonly streams = new Map<string, KeyStream>();
  /** The live instances of each identity; the first one acquires for all of them. */
  private readonly bindings = new Map<string, CredentialBinding[]>();
  private readonly events = new Subject<TokenEvent>();
  private readonly closed$ = new Subject<void>();
  private readonly readings = new EngineReadings();
  private readonly identityRefs = new Map<string, string>();
  /** MSAL's caches (accounts, refresh tokens) for the credentials on this engine. */
  readonly msalCaches: MsalCaches;
  /** The tracer every span of this engine and its credentials goes to. */
  readonly tracer: Tracer;
  private readonly metrics: IdentityMetrics;
  private closed = false;

  /** Every event of every key: streams, cache hits, acquisitions, refreshes, expiries. */
  readonly events$: Observable<TokenEvent> = this.events.asObservable();

  constructor(options: TokenManagerOptions = {}) {
    this.scheduler = options.scheduler ?? unrefScheduler;
    this.random = options.random ?? defaultRandom;
    this.policy = resolveRefreshPolicy(options);
    this.keepWarmMs = options.keepWarmMs ?? DEFAULT_KEEP_WARM_MS;
    this.hold = options.eventLoopHold ?? createEventLoopHold();
    const warn = (message: string): void => this.degraded('disk', 'warning', message);
    const layers = options.cacheLayers ?? this.defaultLayers(options.persistence, warn);
    this.cache = new LayeredCache(layers, (layer, operation, error) =>
      this.degraded(layer, operation, error instanceof Error ? error.message : String(error)),
    );
    this.tracer = getTracer(options.tracerProvider);
    this.msalCaches = new MsalCaches(
      options.msalCacheStore ??
        (options.persistence
          ? new DiskMsalCacheStore({ onWarning: warn, ...options.persistence })
          : undefined),
    );
    this.metrics = new IdentityMetrics(
      {
        lifetimes: () => this.readings.lifetimes(this.streams.values(), this.scheduler.now()),
        lookups: () => this.readings.lookups(this.streams.values()),
      },
      options.meterProvider,
    );
  }

  private defaultLayers(
    persistence: PersistenceOptions | undefined,
    warn: (message: string) => void,
  ): CacheLayer[] {
    const now = (): number => this.scheduler.now();
    const memory = new MemoryLayer({ now });
    if (persistence === undefined) return [memory];
    return [memory, new DiskLayer({ onWarning: warn, ...persistence, now })];
  }

  /** A cache layer failed and the engine carries on without it: an event and a span say so. */
  private degraded(layer: string, operation: string, message: string): void {
    const span = this.tracer.startSpan(CACHE_DEGRADED_SPAN_NAME, {
      attributes: { [Attr.cacheLayer]: layer, 'azure.identity.cache.operation': operation },
    });
    span.setStatus({ code: SpanStatusCode.ERROR, message: redact(message) });
    span.end();
    this.emit({
      type: 'cache-degraded',
      layer,
      operation,
      message: redact(message),
      at: this.scheduler.now(),
      key: '-',
      credential: '-',
      identity: '-',
    });
  }

  /** The engine's opaque reference to an identity (`i1`, `i2`...), as events and snapshots carry it. */
  identityRef(identity: CredentialIdentity): string {
    let ref = this.identityRefs.get(identity.id);
    if (ref === undefined) {
      ref = `i${this.identityRefs.size + 1}`;
      this.identityRefs.set(identity.id, ref);
    }
    return ref;
  }

  /** Registers a credential instance; instances with the same identity share streams. */
  attach(binding: CredentialBinding): void {
    const live = this.bindings.get(binding.identity.id);
    if (live === undefined) this.bindings.set(binding.identity.id, [binding]);
    else live.push(binding);
  }

  /** Unregisters an instance; when the last one of an identity leaves, its streams close. */
  detach(binding: CredentialBinding): void {
    const { identity } = binding;
    const live = (this.bindings.get(identity.id) ?? []).filter((b) => b !== binding);
    if (live.length > 0) {
      this.bindings.set(identity.id, live);
      return;
    }
    this.bindings.delete(identity.id);
    for (const stream of [...this.streams.values()]) {
      if (stream.key.id.startsWith(`${identity.id}|`)) this.retire(stream, true);
    }
  }

  /** A token for the request: the current one when usable (a lookup), else the shared acquisition. */
  getToken(
    identity: CredentialIdentity,
    request: TokenRequest,
    options: GetTokenOptions = {},
  ): Promise<AccessToken> {
    if (this.closed) return Promise.reject(closedError());
    return this.getTokenFrom(this.streamFor(identity, request), options);
  }

  /**
   * The key's stream, for a credential that remembers it across calls (see `ScopeMemo`): valid
   * until `stream.retired`.
   */
  keyStream(identity: CredentialIdentity, request: TokenRequest): KeyStream {
    if (this.closed) throw closedError();
    return this.streamFor(identity, request);
  }

  /** `getToken` on a stream already found. */
  getTokenFrom(stream: KeyStream, options: GetTokenOptions = {}): Promise<AccessToken> {
    if (options.claims === undefined) {
      const current = stream.usableCurrent();
      if (current !== undefined) return Promise.resolve(toAccessToken(current));
    } else {
      stream.touch();
    }
    const source =
      options.claims === undefined
        ? stream.observe()
        : stream.acquireWithClaims(options.claims).pipe(map(toAccessToken));
    return this.wait(source, options);
  }

  /**
   * One caller's wait: in the caller's tracing context (so the acquisition span is its child),
   * bounded by its `requestOptions.timeout`, cancelled by its `abortSignal`. None of these touch
   * the shared acquisition. The wait holds the process alive until it settles: the retries it
   * waits for run on unref'd timers.
   */
  private wait(source: Observable<AccessToken>, options: GetTokenOptions): Promise<AccessToken> {
    const release = this.hold();
    return this.waitFor(source, options).finally(release);
  }

  private waitFor(source: Observable<AccessToken>, options: GetTokenOptions): Promise<AccessToken> {
    const timeoutMs = options.requestOptions?.timeout;
    const bounded =
      timeoutMs === undefined || timeoutMs <= 0
        ? source
        : source.pipe(
            timeout({
              first: timeoutMs,
              scheduler: this.scheduler,
              with: () =>
                throwError(
                  () => new NetworkError(`No token within the request timeout of ${timeoutMs} ms.`),
                ),
            }),
          );
    const parent = options.tracingOptions?.tracingContext as Context | undefined;
    if (parent === undefined) return firstValueWithAbort(bounded, options.abortSignal);
    return otelContext.with(parent, () => firstValueWithAbort(bounded, options.abortSignal));
  }

  /** The key's token stream: a usable token at once, then every refreshed one. */
  token$(identity: CredentialIdentity, request: TokenRequest): Observable<AccessToken> {
    return defer(() => {
      if (this.closed) throw closedError();
      const stream = this.streamFor(identity, request);
      // A subscriber waiting for its first token holds the process; later refreshes do not.
      const release = this.hold();
      return stream.observe().pipe(tap({ next: release, finalize: release }));
    });
  }

  /** The state of every live key, for dashboards. */
  snapshot(): KeySnapshot[] {
    const now = this.scheduler.now();
    return [...this.streams.values()].map((stream) => snapshotOf(stream, now));
  }

  /** Closes every stream and timer and the cache layers. Waiting callers get `ClosedError`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Retire first, so that subscribers leaving during shutdown start no keep-warm timer.
    for (const stream of [...this.streams.values()]) this.retire(stream, true);
    this.closed$.next();
    this.events.complete();
    await this.cache.close();
  }

  private streamFor(identity: CredentialIdentity, request: TokenRequest): KeyStream {
    const id = streamKeyId(identity, request);
    let stream = this.streams.get(id);
    if (stream === undefined) {
      stream = this.createStream(
        toStreamKey(identity, request, this.identityRef(identity)),
        identity,
      );
      this.streams.set(id, stream);
    }
    return stream;
  }

  private createStream(key: StreamKey, identity: CredentialIdentity): KeyStream {
    if (!this.bindings.has(identity.id)) throw closedError();
    return new KeyStream(key, {
      scheduler: this.scheduler,
      random: this.random,
      policy: this.policy,
      keepWarmMs: this.keepWarmMs,
      cache: this.cache,
      emit: (event) => this.emit(event),
      acquire: (k, reason, claims, creator) =>
        instrumentedAttempt(this.attemptContext(identity), k, reason, claims, creator).pipe(
          takeUntil(this.closed$),
        ),
      onIdle: (stream) => this.retire(stream, false),
      closed$: this.closed$,
    });
  }

  private attemptContext(identity: CredentialIdentity): AttemptContext {
    return {
      tracer: this.tracer,
      metrics: this.metrics,
      scheduler: this.scheduler,
      acquirer: () => {
        const binding = this.bindings.get(identity.id)?.[0];
        return binding === undefined ? closedError() : (request) => binding.acquire(request);
      },
    };
  }

  private retire(stream: KeyStream, close: boolean): void {
    if (this.streams.get(stream.key.id) === stream) this.streams.delete(stream.key.id);
    this.readings.retire(stream);
    stream.retired = true;
    if (close) stream.close();
  }

  private emit(event: TokenEvent): void {
    if (this.events.observed) this.events.next(event);
  }
}

function closedError(): ClosedError {
  return new ClosedError('This credential (or its token manager) has been closed.');
}
