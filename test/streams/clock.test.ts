import { timer } from 'rxjs';
import { unrefScheduler } from '../../src/index.js';

const refTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('unrefScheduler', () => {
  it('schedules timers that never keep the process alive', () => {
    const before = refTimers();
    const control = setTimeout(() => undefined, 3_600_000);
    expect(refTimers()).toBe(before + 1);
    const subscription = timer(3_600_000, unrefScheduler).subscribe();
    expect(refTimers()).toBe(before + 1);
    clearTimeout(control);
    subscription.unsubscribe();
  });

  it('runs scheduled work and tells wall-clock time', async () => {
    const start = unrefScheduler.now();
    const value = await new Promise<number>((resolve) =>
      timer(1, unrefScheduler).subscribe(resolve),
    );
    expect(value).toBe(0);
    expect(unrefScheduler.now()).toBeGreaterThanOrEqual(start);
  });
});
