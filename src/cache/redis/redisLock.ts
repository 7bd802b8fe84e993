import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { CacheLockOutcome } from '../../telemetry/events.js';
import type { CachedToken } from '../cacheLayer.js';
import type { RedisChannels } from './redisChannels.js';
import type { RedisNames } from './redisKeys.js';

/** Deletes the lock only if this owner still holds it, and wakes the waiters. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1])
  redis.call('publish', ARGV[2], 'released')
  return 1
end
return 0`;

/** Extends the lock only if this owner still holds it. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`;

/** What taking a key's fleet-wide lock needs from the layer. */
export interface FleetLockContext {
  /** The command client when Redis is usable, else undefined. */
  client(): Redis | undefined;
  channels: RedisChannels;
  scheduler: SchedulerLike;
  now(): number;
  lockTtlMs: number;
  lockWaitMs: number;
  /** The longest a lock is held: then its holder releases it even if it has not finished. */
  maxHoldMs: number;
  pollMs: number;
  /** Reads the key's token (undefined on a miss, or when Redis failed). */
  read(names: RedisNames): Promise<CachedToken | undefined>;
  /** A command failed: the layer degrades. */
  failed(operation: string, error: unknown): void;
  /** The lock was lost while held (not renewed in time): the layer warns. */
  warn(message: string): void;
}

/**
 * How a lock request ended, with the release (a no-op unless this process holds the lock).
 * `cancelled`: the caller gave up waiting (its acquisition was cancelled); it is not reported.
 */
export interface FleetLockResult {
  outcome: CacheLockOutcome | 'cancelled';
  waitedMs: number;
  release: () => Promise<void>;
}

const noRelease = () => Promise.resolve();

/**
 * Takes the key's lock across the fleet: `SET lock owner NX PX lockTtlMs` with a random owner.
 * While another machine holds it, waits on the key's channel (woken when the holder writes its
 * token or releases), with a bounded poll behind it (a holder that died publishes nothing: its
 * lock expires and the next poll takes it). Ends early, without the lock, when a token that
 * `accepts` takes appears; after `lockWaitMs`, or when Redis fails, it ends without the lock too,
 * and the caller acquires on its own; when `signal` aborts, it stops waiting (`cancelled`). Never
 * rejects.
 */
export async function takeFleetLock(
  ctx: FleetLockContext,
  names: RedisNames,
  accepts?: (token: CachedToken) => boolean,
  signal?: AbortSignal,
): Promise<FleetLockResult> {
  const started = ctx.now();
  const result = (outcome: FleetLockResult['outcome'], release = noRelease) => ({
    outcome,
    waitedMs: ctx.now() - started,
    release,
  });
  const owner = randomBytes(16).toString('base64url');
  const wakeup = new Wakeup(ctx.scheduler);
  const cancel = () => wakeup.wake();
  signal?.addEventListener('abort', cancel);
  let stop: (() => void) | undefined;
  try {
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted === true) return result('cancelled');
      const client = ctx.client();
      if (client === undefined) return result('unavailable');
      // The engine read the cache just before asking: the first attempt goes straight to the lock.
      if (attempt > 0 && accepts !== undefined) {
        const token = await ctx.read(names);
        if (token !== undefined && accepts(token)) return result('token');
      }
      let taken: string | null;
      try {
        taken = await client.set(names.lock, owner, 'PX', ctx.lockTtlMs, 'NX');
      } catch (error) {
        ctx.failed('lock', error);
        return result('unavailable');
      }
      if (taken === 'OK')
        return result(attempt === 0 ? 'free' : 'acquired', hold(ctx, names, owner));
      const left = started + ctx.lockWaitMs - ctx.now();
      if (left <= 0) return result('timeout');
      // Held by another: listen for its news, then look again at once (it may have just ended).
      if (stop === undefined) stop = await ctx.channels.listen(names.channel, () => wakeup.wake());
      else await wakeup.wait(Math.min(ctx.pollMs, left));
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    stop?.();
    wakeup.cancel();
  }
}

/**
 * Renews a held lock every third of its TTL, for at most `maxHoldMs`: a holder that is alive but
 * stuck then releases it (with a warning), and the others acquire on their own, as they would
 * after waiting `lockWaitMs`. The release stops the renewals and frees the lock (owner only).
 */
function hold(ctx: FleetLockContext, names: RedisNames, owner: string): () => Promise<void> {
  let released = false;
  let renewal: Subscription | undefined;
  const until = ctx.now() + ctx.maxHoldMs;
  const renew = () => {
    const delay = Math.min(ctx.lockTtlMs / 3, Math.max(0, until - ctx.now()));
    renewal = ctx.scheduler.schedule(async () => {
      const client = ctx.client();
      if (released || client === undefined) return;
      if (ctx.now() >= until) {
        ctx.warn(
          `Released a key lock held for ${ctx.maxHoldMs} ms by an acquisition that has not ended; other machines may acquire too.`,
        );
        return release();
      }
      const kept = await client
        .eval(RENEW, 1, names.lock, owner, ctx.lockTtlMs)
        .catch(() => undefined);
      if (released) return;
      if (kept === 0)
        ctx.warn(
          'Lost a key lock while holding it (not renewed in time); another machine may acquire too.',
        );
      else renew();
    }, delay);
  };
  const release = async () => {
    if (released) return;
    released = true;
    renewal?.unsubscribe();
    // A failure leaves the lock to its TTL; the waiters' poll takes it over then.
    await ctx
      .client()
      ?.eval(RELEASE, 1, names.lock, owner, names.channel)
      .catch(() => undefined);
  };
  renew();
  return release;
}

/** A wait that a message can cut short; a message that came between waits is not lost. */
class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;
  private timer: Subscription | undefined;

  constructor(private readonly scheduler: SchedulerLike) {}

  wake(): void {
    if (this.resolve === undefined) this.pending = true;
    else this.finish();
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.timer = this.scheduler.schedule(() => this.finish(), ms);
    });
  }

  cancel(): void {
    this.finish();
  }

  private finish(): void {
    this.timer?.unsubscribe();
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve?.();
  }
}
