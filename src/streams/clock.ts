/**
 * The one place in the engine that touches the wall clock, real timers and `Math.random`.
 * Everything else takes a `SchedulerLike` and a `random` function, so tests run on virtual time.
 */
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';

/** A source of uniformly distributed numbers in [0, 1), injectable for deterministic jitter. */
export type RandomSource = () => number;

/** `Math.random`, the default jitter source. */
export const defaultRandom: RandomSource = () => Math.random();

/** The longest delay Node's timers take as given (2^31 − 1 ms, about 24.8 days). */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Keeps the process alive while a caller waits: returns the release, which may be called any
 * number of times. The engine takes one for every `getToken` that has to wait and every `token$`
 * subscriber until its first token, and for nothing else.
 */
export type EventLoopHold = () => () => void;

/**
 * The default hold: one ref'd, idle timer while at least one caller waits, none otherwise. Timers
 * of the engine itself are unref'd, so they only run while something (such a hold) keeps Node up.
 */
export function createEventLoopHold(): EventLoopHold {
  let holders = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  return () => {
    if (holders++ === 0) timer = setInterval(() => undefined, MAX_TIMER_DELAY_MS);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--holders === 0) clearInterval(timer);
    };
  };
}

class UnrefAction<T> extends Subscription implements SchedulerAction<T> {
  private handle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly work: (this: SchedulerAction<T>, state?: T) => void) {
    super(() => this.clear());
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.clear();
    this.handle = setTimeout(
      () => {
        this.handle = undefined;
        this.work.call(this, state);
      },
      // Node fires a longer delay after 1 ms: a token valid for a month must not refresh at once.
      Math.min(MAX_TIMER_DELAY_MS, Math.max(0, delay)),
    );
    // A refresh timer must never keep a process alive on its own.
    this.handle.unref();
    return this;
  }

  private clear(): void {
    if (this.handle !== undefined) clearTimeout(this.handle);
    this.handle = undefined;
  }
}

/**
 * A wall-clock scheduler whose timers are unref'd: pending refreshes never keep Node running.
 * This is the engine's default; pass a `TestScheduler` or `VirtualTimeScheduler` in tests.
 */
export const unrefScheduler: SchedulerLike = {
  now: () => Date.now(),
  schedule<T>(
    work: (this: SchedulerAction<T>, state?: T) => void,
    delay = 0,
    state?: T,
  ): Subscription {
    return new UnrefAction<T>(work).schedule(state, delay);
  },
};
