import type { AccessToken, GetTokenOptions } from '@azure/core-auth';
import { defer, map, Observable, Subject, takeUntil, tap, type SchedulerLike } from 'rxjs';
import type { CacheLayerEvent } from '../cache/cacheLayer.js';
import { composeCaches, layerTokenEvent } from '../cache/cacheComposition.js';
import type { LayeredCache } from '../cache/layeredCache.js';
import { ClosedError } from '../errors.js';
import type { TokenEvent } from '../telemetry/events.js';
import { IdentityMetrics } from '../telemetry/metrics.js';
import { getTracer, recordCacheDegraded } from '../telemetry/tracing.js';
import { waitForCaller } from './callerWait.js';
import { createEventLoopHold, defaultRandom, unrefScheduler, type EventLoopHold } from './clock.js';
import {
  CredentialRegistry,
  heldBy,
  reissueAfterRebind,
  type CredentialBinding,
} from './credentialRegistry.js';
import type { CredentialServices } from './credentialServices.js';
import { EngineReadings } from './engineReadings.js';
import { instrumentedAttempt, type AcquireRequest } from './instrumentedAttempt.js';
import { KeyStream } from './key/keyStream.js';
import { resolveRefreshPolicy, type ResolvedRefreshPolicy } from './policy/refreshPolicy.js';
import { snapshotOf, type KeySnapshot } from './snapshot.js';
import {
  streamKeyId,
  toStreamKey,
  type CredentialIdentity,
  type TokenRequest,
} from './streamKey.js';
import { toAccessToken } from './key/tokenRecord.js';
import { WaitingCallers } from './waitingCallers.js';

export type { AcquireRequest, CredentialBinding };

import { DEFAULT_KEEP_WARM_MS, type TokenManagerOptions } from './tokenManagerOptions.js';

export { DEFAULT_KEEP_WARM_MS, type TokenManagerOptions };

/** What waits on a stream (a credential): see {@link TokenManager.getTokenFrom}. */
export interface StreamHolder {
  /** When `stream` is no longer this holder's (it was rebound), how to ask for the call again. */
  [reissueAfterRebind]?(
    stream: KeyStream,
  ): ((options: GetTokenOptions) => Promise<AccessToken>) | undefined;
}

/**
 * The engine: one shared, self-refreshing stream per key, the cache layers behind them, and the
 * telemetry around every acquisition. Credentials with the same identity share its streams.
 */
export class TokenManager {
  /** What credentials bound to this engine may use: clock, jitter, tracer, MSAL caches. */
  readonly services: CredentialServices;
  readonly policy: ResolvedRefreshPolicy;
  private readonly scheduler: SchedulerLike;
  private readonly keepWarmMs: number;
  private readonly hold: EventLoopHold;
  private readonly cache: LayeredCache;
  private readonly streams = new Map<string, KeyStream>();
  // An identity whose last instance was collected (never closed) closes its streams too.
  private readonly credentials = new CredentialRegistry((id) => this.retireIdentity(id));
  private readonly waiting = new WaitingCallers();
  private readonly events = new Subject<TokenEvent>();
  private readonly closed$ = new Subject<void>();
  private readonly readings = new EngineReadings();
  private readonly metrics: IdentityMetrics;
  private closed = false;

  /** Every event of every key: streams, cache hits, acquisitions, refreshes, expiries. */
  readonly events$: Observable<TokenEvent> = this.events.asObservable();

  constructor(options: TokenManagerOptions = {}) {
    const scheduler = options.scheduler ?? unrefScheduler;
    this.scheduler = scheduler;
    this.policy = resolveRefreshPolicy(options);
    this.keepWarmMs = options.keepWarmMs ?? DEFAULT_KEEP_WARM_MS;
    this.hold = options.eventLoopHold ?? createEventLoopHold();
    const tracer = getTracer(options.tracerProvider);
    const random = options.random ?? defaultRandom;
    const caches = composeCaches({
      ...options,
      now: () => scheduler.now(),
      scheduler,
      random,
      onEvent: (event) => this.layerEvent(event),
    });
    this.cache = caches.tokens;
    this.services = {
      scheduler,
      random,
      tracer,
      msalCaches: caches.msal,
      publish: (event) => {
        if (!this.closed) this.events.next(event);
      },
    };
    this.metrics = new IdentityMetrics(
      {
        lifetimes: () => this.readings.lifetimes(this.streams.values(), scheduler.now()),
        lookups: () => this.readings.lookups(this.streams.values()),
        layers: caches.readings,
      },
      options.meterProvider,
    );
  }

  /**
   * A cache layer's news: a failure the engine carries on without (an event and a span say so), a
   * recovery, a warning, or how a key's lock request ended (with the key's own fields).
   */
  private layerEvent(event: CacheLayerEvent): void {
    if (event.type === 'degraded')
      recordCacheDegraded(this.services.tracer, event.layer, event.operation, event.message);
    const key = event.type === 'lock' ? this.streams.get(event.key)?.key : undefined;
    this.emit(layerTokenEvent(event, this.scheduler.now(), key));
  }

  /** The engine's opaque reference to an identity (`i1`, `i2`...), as events and snapshots carry it. */
  identityRef(identity: CredentialIdentity): string {
    return this.credentials.ref(identity);
  }

  /** Registers an instance, held weakly; instances with the same identity share streams. */
  attach(binding: CredentialBinding): void {
    this.credentials.attach(binding);
  }

  /** Unregisters an instance; when the last one of an identity leaves, its streams close. */
  detach(binding: CredentialBinding): void {
    if (this.credentials.detach(binding)) this.retireIdentity(binding.identity.id);
  }

  private retireIdentity(identityId: string): void {
    for (const stream of [...this.streams.values()])
      if (stream.key.id.startsWith(`${identityId}|`)) this.retire(stream, true);
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

  /**
   * `getToken` on a stream already found. A wait keeps `holder` (its credential) reachable, and
   * when the stream closes under it because the holder's identity changed (a developer tool
   * signed in as someone else), the holder answers the call anew instead of failing it.
   */
  getTokenFrom(
    stream: KeyStream,
    options: GetTokenOptions = {},
    holder?: StreamHolder,
  ): Promise<AccessToken> {
    if (options.claims === undefined) {
      const current = stream.usableCurrent();
      if (current !== undefined) return Promise.resolve(toAccessToken(current));
    } else {
      stream.touch();
    }
    const source = this.waiting.track(
      stream.key.id,
      options.claims === undefined
        ? stream.observe()
        : stream.acquireWithClaims(options.claims).pipe(map(toAccessToken)),
    );
    if (holder === undefined) return waitForCaller(source, options, this.scheduler, this.hold);
    const waiting = waitForCaller(source.pipe(heldBy(holder)), options, this.scheduler, this.hold);
    return waiting.catch((error: unknown) => {
      const anew =
        error instanceof ClosedError && !this.closed
          ? holder[reissueAfterRebind]?.(stream)
          : undefined;
      return anew?.(options) ?? Promise.reject(error);
    });
  }

  /** The key's token stream: a usable token at once, then every refreshed one. */
  token$(identity: CredentialIdentity, request: TokenRequest): Observable<AccessToken> {
    return defer(() => {
      if (this.closed) throw closedError();
      const stream = this.streamFor(identity, request);
      // A subscriber waiting for its first token holds the process; later refreshes do not.
      const release = this.hold();
      return this.waiting
        .track(stream.key.id, stream.observe())
        .pipe(tap({ next: release, finalize: release }));
    });
  }

  /** The state of every live key, for dashboards. */
  snapshot(): KeySnapshot[] {
    const now = this.scheduler.now();
    return [...this.streams.values()].map((stream) => snapshotOf(stream, now));
  }

  /** Whether {@link close} was called: a closed engine serves no token. */
  get isClosed(): boolean {
    return this.closed;
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
      if (!this.credentials.has(identity)) throw closedError();
      stream = this.createStream(identity, request);
      this.streams.set(id, stream);
    }
    return stream;
  }

  private createStream(identity: CredentialIdentity, request: TokenRequest): KeyStream {
    const key = toStreamKey(identity, request, this.credentials.ref(identity));
    const attempts = {
      tracer: this.services.tracer,
      metrics: this.metrics,
      scheduler: this.scheduler,
      unattended: () => this.waiting.signal(key.id),
      acquirer: () => {
        const binding = this.credentials.acquirer(identity);
        return binding === undefined ? closedError() : (r: AcquireRequest) => binding.acquire(r);
      },
    };
    return new KeyStream(key, {
      scheduler: this.scheduler,
      random: this.services.random,
      policy: this.policy,
      keepWarmMs: this.keepWarmMs,
      cache: this.cache,
      emit: (event) => this.emit(event),
      acquire: (k, reason, claims, creator) =>
        instrumentedAttempt(attempts, k, reason, claims, creator).pipe(takeUntil(this.closed$)),
      onIdle: (stream) => this.retire(stream, false),
      closed$: this.closed$,
    });
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
