import { VirtualAction, VirtualTimeScheduler } from 'rxjs';

/** The default start of virtual time: a fixed, realistic epoch (2026-01-01T00:00:00Z). */
export const VIRTUAL_EPOCH = Date.UTC(2026, 0, 1);

/**
 * Virtual time for the engine: `now()` is the virtual clock, timers run only when a test advances
 * it. `advance` also lets promises settle between timers, so async code moves with the clock.
 */
export class VirtualClock extends VirtualTimeScheduler {
  constructor(start = VIRTUAL_EPOCH) {
    super(VirtualAction, Infinity);
    this.frame = start;
  }

  /** Pending timers. */
  get pending(): number {
    return this.actions.filter((action) => !action.closed).length;
  }

  /** Runs every timer due within `ms`, in order, settling promises between them. */
  async advance(ms: number): Promise<void> {
    const target = this.frame + ms;
    await settle();
    for (;;) {
      const next = this.actions[0];
      if (next === undefined || next.delay > target) break;
      this.maxFrames = next.delay;
      this.flush();
      await settle();
    }
    this.frame = target;
    this.maxFrames = Infinity;
    await settle();
  }
}

/** Lets pending promise callbacks (and their follow-ups) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
