import type { Redis } from 'ioredis';
import type { RedisChannels } from '../../src/cache/redis/redisChannels.js';
import { RedisKeyNames } from '../../src/cache/redis/redisKeys.js';
import { takeFleetLock, type FleetLockContext } from '../../src/cache/redis/redisLock.js';
import { VIRTUAL_EPOCH, VirtualClock } from '../support/virtualClock.js';

/**
 * A Redis that grants every lock and keeps every lock it is asked to renew, logging each command
 * with the virtual time since the start: enough to watch a holder's renewals on virtual time.
 */
function grantingRedis(clock: VirtualClock) {
  const log: string[] = [];
  const at = () => clock.now() - VIRTUAL_EPOCH;
  const client = {
    set: async () => {
      log.push(`${at()} lock`);
      return 'OK';
    },
    eval: async (script: string) => {
      log.push(`${at()} ${script.includes('pexpire') ? 'renew' : 'release'}`);
      return 1;
    },
  };
  return { client: client as unknown as Redis, log };
}

function context(clock: VirtualClock, client: Redis, warnings: string[]): FleetLockContext {
  return {
    client: () => client,
    channels: { listen: async () => () => undefined } as unknown as RedisChannels,
    scheduler: clock,
    now: () => clock.now(),
    lockTtlMs: 3_000,
    lockWaitMs: 10_000,
    maxHoldMs: 10_000,
    pollMs: 250,
    read: async () => undefined,
    failed: () => undefined,
    warn: (message) => void warnings.push(message),
  };
}

const names = new RedisKeyNames('test:', 'test', undefined).of('k');

describe('takeFleetLock: holding', () => {
  it('renews a held lock every third of its TTL, and stops once released', async () => {
    const clock = new VirtualClock();
    const redis = grantingRedis(clock);
    const { outcome, release } = await takeFleetLock(context(clock, redis.client, []), names);
    expect(outcome).toBe('free');
    await clock.advance(3_000);
    await release();
    await clock.advance(30_000);
    expect(redis.log).toEqual(['0 lock', '1000 renew', '2000 renew', '3000 renew', '3000 release']);
  });

  it('releases a lock held for maxHoldMs by a holder that never finishes, with a warning', async () => {
    const clock = new VirtualClock();
    const redis = grantingRedis(clock);
    const warnings: string[] = [];
    const { release } = await takeFleetLock(context(clock, redis.client, warnings), names);
    await clock.advance(60_000);
    expect(redis.log).toEqual([
      '0 lock',
      ...Array.from({ length: 9 }, (_, i) => `${(i + 1) * 1_000} renew`),
      '10000 release',
    ]);
    expect(warnings).toEqual([expect.stringMatching(/^Released a key lock held for 10000 ms/)]);
    // The holder's own release, when it finally comes, sends nothing more.
    await release();
    expect(redis.log).toHaveLength(11);
    expect(clock.pending).toBe(0);
  });
});
