import type { AccessToken } from '@azure/core-auth';
import { context as otelContext, trace, type SpanContext } from '@opentelemetry/api';
import {
  defer,
  expand,
  filter,
  finalize,
  map,
  merge,
  Observable,
  of,
  ReplaySubject,
  retry,
  share,
  Subject,
  switchMap,
  take,
  takeUntil,
  tap,
  timer,
} from 'rxjs';
import type { CacheLookup } from '../../cache/layeredCache.js';
import type { MaybePromise } from '../../cache/cacheLayer.js';
import { acceptedRecord, fromMaybe, toAccessToken } from './tokenRecord.js';
import { KeepWarm } from './keepWarm.js';
import { acquireAcrossProcesses } from './crossProcessAcquisition.js';
import { describeError } from '../../errors.js';
import { redact } from '../../telemetry/redact.js';
import type { RefreshReason, TokenEvent } from '../../telemetry/events.js';
import { KeyStats } from './keyStats.js';
import { isUsable, refreshAt, usableUntil, type TokenRecord } from '../policy/refreshPolicy.js';
import type { KeyEventBody, KeyStreamContext } from './keyStreamContext.js';
import { afterFailure } from './retryFlow.js';
import type { StreamKey } from '../streamKey.js';

/**
 * One shared, self-refreshing token stream for one key: the refresh loop. Every subscriber and
 * every `getToken` for the key shares its single acquisition in flight and its current token.
 *
 * ```text
 * tokens$ (shared, replays the last token; virtual time, 20 s tokens, refresh at half life):
 *
 *   subscribe ─┬─ cache? ── hit ──────────────────────────▶ a ─── 10 s ──▶ refresh ─▶ b ─ ...
 *              └───────── miss ─▶ lock? ─▶ acquire ──────▶ a
 *   refresh fails:   a ── 10 s ──▶ ✗ ─ 1 s ─▶ ✗ ─ 1 s ─▶ b        (a served until 18 s)
 *   claims:          a ── getToken({ claims }) ─▶ c ─ (c replaces a, the timer restarts)
 *   no usable token: ✗ after the retries ─▶ error  (resetOnError: the next subscriber starts over)
 *   last subscriber leaves ─ keepWarmMs ─▶ teardown  (unless used again meanwhile)
 * ```
 */
export class KeyStream {
  /** Counts and state, for snapshots and metrics; only this stream writes them. */
  readonly stats: KeyStats;
  /** Set once the manager has dropped this stream. */
  retired = false;
  private currentToken: TokenRecord | undefined;
  /** When the current token stops being usable, computed once per token for the fast path. */
  private currentUsableUntil = -Infinity;
  readonly tokens$: Observable<TokenRecord>;
  private readonly injected = new Subject<TokenRecord>();
  /** The last cache write, which a cross-process lock waits for before it is released. */
  private pendingWrite: MaybePromise<void> = undefined;
  private readonly closing = new Subject<void>();
  private readonly keepWarm: KeepWarm;
  /** Emits when this stream or its whole manager closes. */
  private readonly ended$: Observable<void>;
  /** The span active when the stream was made; refreshes link to it. */
  private readonly creator: SpanContext | undefined = trace.getSpanContext(otelContext.active());

  constructor(
    readonly key: StreamKey,
    private readonly ctx: KeyStreamContext,
  ) {
    this.stats = new KeyStats(ctx.scheduler.now());
    this.ended$ = merge(this.closing, ctx.closed$);
    this.keepWarm = new KeepWarm(this.stats, {
      ...ctx,
      ended$: this.ended$,
      retired: () => this.retired,
      onIdle: () => ctx.onIdle(this),
    });
    this.tokens$ = defer(() => this.run()).pipe(
      share({
        connector: () => new ReplaySubject<TokenRecord>(1),
        resetOnError: true,
        resetOnComplete: true,
        // The last subscriber leaving counts as a use: keep warm from now.
        resetOnRefCountZero: () => {
          this.touch();
          return this.keepWarm.idle$();
        },
      }),
    );
  }

  /** The token the stream holds now (usable or not). */
  get current(): TokenRecord | undefined {
    return this.currentToken;
  }

  /** The public stream: usable tokens only, as `AccessToken`s. */
  observe(): Observable<AccessToken> {
    return new Observable<AccessToken>((subscriber) => {
      this.stats.subscribers++;
      this.keepWarm.cancelTeardown();
      // Added before the share's own teardown, so it runs first: when the last subscriber leaves,
      // the share's keep-warm wait already sees nobody left (`keepWarmMs: 0` tears down at once).
      subscriber.add(() => {
        this.stats.subscribers--;
        this.touch();
      });
      return this.tokens$
        .pipe(
          filter((token) => this.usable(token)),
          map(toAccessToken),
        )
        .subscribe(subscriber);
    });
  }

  /**
   * The `getToken` fast path: the current token when it may be handed out now, counting the use
   * and the hit. One clock read, no allocation.
   */
  usableCurrent(): TokenRecord | undefined {
    const now = this.ctx.scheduler.now();
    const { stats } = this;
    stats.lastUsedAt = now;
    if (now >= this.currentUsableUntil) return undefined;
    stats.cacheHits++;
    stats.streamHits++;
    return this.currentToken;
  }

  /** Ends the stream now: subscribers complete, timers are dropped. */
  close(): void {
    this.closing.next();
    this.closing.complete();
    this.injected.complete();
  }

  touch(): void {
    this.stats.lastUsedAt = this.ctx.scheduler.now();
  }

  /** Acquires with `claims`, bypassing every cache, and pushes the result to the subscribers. */
  acquireWithClaims(claims: string): Observable<TokenRecord> {
    return this.acquireWithRetry('claims', undefined, claims).pipe(
      tap((token) => this.injected.next(token)),
    );
  }

  private run(): Observable<TokenRecord> {
    this.emit({ type: 'stream-opened' });
    return this.firstToken().pipe(
      expand((token) => this.next(token)),
      takeUntil(this.ended$),
      tap({ error: () => this.keepWarm.tearDownWhenIdle() }),
      finalize(() => {
        this.stats.nextRefreshAt = undefined;
        if (this.stats.state !== 'expired') this.stats.state = 'idle';
        this.emit({ type: 'stream-closed' });
      }),
    );
  }

  private firstToken(): Observable<TokenRecord> {
    const current = this.currentToken;
    if (current !== undefined && this.usable(current)) return of(current);
    return defer(() => fromMaybe(this.ctx.cache.get(this.key.id, (t) => this.usable(t)))).pipe(
      switchMap((lookup: CacheLookup) => {
        if (lookup.token !== undefined && lookup.layer !== undefined)
          return of(this.useCached(lookup.token, lookup.layer));
        this.stats.cacheMisses++;
        this.emit({ type: 'cache-miss' });
        return this.acquireAcrossProcesses(current === undefined ? 'initial' : 'expired');
      }),
    );
  }

  /** Takes a token another layer (or process) had. */
  private useCached(token: TokenRecord, layer: string): TokenRecord {
    this.stats.layerHit(layer);
    this.setCurrent(token);
    this.stats.state = 'fresh';
    this.emit({ type: 'cache-hit', layer });
    return token;
  }

  /** Acquires once per machine when a cache layer is shared across processes. */
  private acquireAcrossProcesses(
    reason: RefreshReason,
    fallback?: TokenRecord,
  ): Observable<TokenRecord> {
    return acquireAcrossProcesses(this.ctx.cache, this.key.id, {
      accepts: (t) =>
        this.usable(t) &&
        (fallback === undefined || t.expiresOnTimestamp > fallback.expiresOnTimestamp),
      useCached: (token, layer) => this.useCached(token, layer),
      acquire: () => this.acquireWithRetry(reason, fallback),
      pendingWrite: () => this.pendingWrite,
      readFirst: fallback !== undefined,
    });
  }

  /** Waits for the refresh time (or a claims token), then yields the next token. */
  private next(token: TokenRecord): Observable<TokenRecord> {
    const at = refreshAt(token, this.ctx.policy);
    this.stats.nextRefreshAt = at;
    this.emit({
      type: 'refresh-scheduled',
      refreshAt: at,
      expiresOnTimestamp: token.expiresOnTimestamp,
    });
    const refresh$ = timer(Math.max(0, at - this.ctx.scheduler.now()), this.ctx.scheduler).pipe(
      switchMap(() => this.acquireAcrossProcesses('proactive', token)),
    );
    return merge(refresh$, this.injected).pipe(take(1));
  }

  private acquireWithRetry(
    reason: RefreshReason,
    fallback?: TokenRecord,
    claims?: string,
  ): Observable<TokenRecord> {
    return this.acquireOnce(reason, claims).pipe(
      retry({
        delay: (error: unknown, count: number) =>
          afterFailure(error, count, fallback, {
            ...this.ctx,
            stats: this.stats,
            emit: (body) => this.emit(body),
          }),
      }),
    );
  }

  private acquireOnce(reason: RefreshReason, claims?: string): Observable<TokenRecord> {
    return defer(() => {
      this.stats.acquisitions++;
      const current = this.currentToken;
      this.stats.state = current !== undefined && this.usable(current) ? 'refreshing' : 'acquiring';
      this.emit({ type: 'acquisition-started', reason });
      return this.ctx.acquire(this.key, reason, claims, this.creator);
    }).pipe(
      map((accessToken) => this.accept(accessToken)),
      tap({
        next: (token) =>
          this.emit({
            type: 'acquisition-succeeded',
            reason,
            expiresOnTimestamp: token.expiresOnTimestamp,
          }),
        error: (error: unknown) => this.recordFailure(reason, error),
      }),
    );
  }

  private accept(accessToken: AccessToken): TokenRecord {
    const token = acceptedRecord(accessToken, this.ctx.scheduler.now(), this.key.label);
    this.setCurrent(token);
    this.stats.state = 'fresh';
    this.stats.lastError = undefined;
    this.pendingWrite = this.ctx.cache.set(this.key.id, token);
    return token;
  }

  private recordFailure(reason: RefreshReason, error: unknown): void {
    this.stats.failures++;
    this.stats.lastError = error;
    const code = describeError(error);
    // A foreign link's message may echo a token or a form body: events never carry either.
    const message = redact(error instanceof Error ? error.message : String(error));
    this.emit({ type: 'acquisition-failed', reason, errorCode: code, message });
  }

  private usable(token: TokenRecord): boolean {
    return isUsable(token, this.ctx.scheduler.now(), this.ctx.policy);
  }

  private setCurrent(token: TokenRecord): void {
    this.currentToken = token;
    this.currentUsableUntil = usableUntil(token, this.ctx.policy);
  }

  private emit(body: KeyEventBody): void {
    this.ctx.emit({
      ...body,
      at: this.ctx.scheduler.now(),
      key: this.key.label,
      credential: this.key.credential,
      identity: this.key.identity,
    } as TokenEvent);
  }
}
