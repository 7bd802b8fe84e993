import { defer, EMPTY, of, switchMap, takeUntil, timer, type Observable } from 'rxjs';
import type { Subscription, SchedulerLike } from 'rxjs';
import type { KeyStats } from './keyStats.js';

/** What a key's keep-warm needs. */
export interface KeepWarmContext {
  scheduler: SchedulerLike;
  keepWarmMs: number;
  /** Emits when the stream or its manager closes: no keep-warm timer outlives it. */
  ended$: Observable<void>;
  retired(): boolean;
  /** Drops the stream from its manager. */
  onIdle(): void;
}

/**
 * How long a key stays warm after its last use, and its teardown: `keepWarmMs` after the last
 * subscriber or `getToken`, unless it is used again meanwhile.
 */
export class KeepWarm {
  /** The teardown scheduled after a failure nobody saw; a new subscriber cancels it. */
  private pending: Subscription | undefined;

  constructor(
    private readonly stats: KeyStats,
    private readonly ctx: KeepWarmContext,
  ) {}

  /**
   * Emits once nobody has used the key for `keepWarmMs`, after dropping the stream (the share
   * then resets). Never outlives `close()`, and never drops a stream that has subscribers again.
   */
  idle$(): Observable<unknown> {
    return defer(() => {
      if (this.ctx.retired()) return of(true);
      const due = this.stats.lastUsedAt + this.ctx.keepWarmMs - this.ctx.scheduler.now();
      if (due > 0) return timer(due, this.ctx.scheduler).pipe(switchMap(() => this.idle$()));
      if (this.stats.subscribers > 0) return EMPTY;
      this.ctx.onIdle();
      return of(true);
    }).pipe(takeUntil(this.ctx.ended$));
  }

  /**
   * The stream failed with nobody subscribed (a kept-warm key whose refresh gave up): the share's
   * pending keep-warm wait died with it, so the teardown is scheduled here.
   */
  tearDownWhenIdle(): void {
    if (this.stats.subscribers === 0) this.pending = this.idle$().subscribe();
  }

  cancelTeardown(): void {
    this.pending?.unsubscribe();
    this.pending = undefined;
  }
}
