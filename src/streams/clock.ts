/**
 * The one place in the engine that touches the wall clock, real timers and `Math.random`.
 * Everything else takes a `SchedulerLike` and a `random` function, so tests run on virtual time.
 */
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';

/** A source of uniformly distributed numbers in [0, 1), injectable for deterministic jitter. */
export type RandomSource = () => number;

/** `Math.random`, the default jitter source. */
export const defaultRandom: RandomSource = () => Math.random();

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
      Math.max(0, delay),
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

/** The wall clock in ms, for the few places outside the engine that stamp real time. */
export const wallClockNow = (): number => Date.now();
