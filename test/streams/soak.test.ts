import fc from 'fast-check';
import type { Subscription } from 'rxjs';
import { TokenManager } from '../../src/index.js';
import { retainedHeapBytes } from '../support/heap.js';
import { HOUR, MINUTE, SECOND, seed } from '../support/outageScenarios.js';
import {
  FAILURE_KINDS,
  ScriptedAuthority,
  ScriptedCredential,
  authorityKey,
  type FailureKind,
  type IssuedToken,
  type KeyProfile,
  type Outage,
} from '../support/scriptedAuthority.js';
import { randomInt, seededRandom } from '../support/seededRandom.js';
import { TokenLedger } from '../support/tokenLedger.js';
import { VIRTUAL_EPOCH, VirtualClock, settle } from '../support/virtualClock.js';

/**
 * Soak on virtual time (issue 9): 200 keys over 7 days, each used now and then (sessions of
 * subscribers and of callers every few minutes), through random outages and sporadic failures.
 * Every hour: live timers stay within two per live stream, and streams exist only for keys used
 * within the keep-warm time. Callers and subscribers are checked as they go (usable tokens only,
 * no blocked call while a usable token exists, errors only when none existed, every refreshed
 * token exactly once). The retained heap on day 7 is within a bound of day 2's, and close leaves
 * nothing behind.
 */

const DAY = 24 * HOUR;
const DAYS = 7;
const KEYS = 200;
const IDENTITIES = 4;
const KEEP_WARM_MS = 15 * MINUTE;
/** Per live stream: its refresh chain (refresh, attempt, retry or expiry timer) and keep-warm. */
const TIMERS_PER_STREAM = 2;
/** Retained heap may grow this much from day 2 to day 7 (about 0.5 MB is seen; a leak of some 150 bytes per call fails it). */
const HEAP_GROWTH_LIMIT = 4 * 1024 * 1024;

interface SoakKey {
  index: number;
  credential: ScriptedCredential;
  scope: string;
  key: string;
  profile: KeyProfile;
  subscribers: Set<Subscription>;
  waiting: number;
  lastTouch: number;
  /** Tokens of this key issued so far. */
  issued: number;
}

type SoakEvent =
  | { at: number; kind: 'call'; key: number }
  | { at: number; kind: 'subscribe'; key: number; until: number };

function profileOf(random: () => number): KeyProfile {
  const r = random();
  if (r < 0.05) return { lifetimeMs: 5 * MINUTE };
  if (r < 0.55) return { lifetimeMs: HOUR + randomInt(random, -300, 300) * SECOND };
  if (r < 0.7) return { lifetimeMs: 6 * HOUR };
  return { lifetimeMs: DAY, refreshInMs: 12 * HOUR };
}

function outagesOf(random: () => number, t0: number): Outage[] {
  const outages: Outage[] = [];
  for (let day = 0; day < DAYS; day++) {
    for (let n = randomInt(random, 1, 4); n > 0; n--) {
      const start = t0 + day * DAY + Math.floor(random() * DAY);
      const r = random();
      const length =
        r < 0.7
          ? randomInt(random, 10 * SECOND, 5 * MINUTE)
          : r < 0.95
            ? randomInt(random, 5 * MINUTE, HOUR)
            : randomInt(random, HOUR, 4 * HOUR);
      const kinds = FAILURE_KINDS.filter(() => random() < 0.6);
      outages.push({
        start,
        end: start + length,
        kinds: kinds.length > 0 ? kinds : (['503'] as FailureKind[]),
        retryAfterMs: random() < 0.5 ? randomInt(random, 0, 2 * MINUTE) : undefined,
        timeoutMs: randomInt(random, SECOND, 20 * SECOND),
      });
    }
  }
  return outages;
}

/** Sessions: on about half of the days, each key is used for 10 min to 10 h. */
function eventsOf(random: () => number): SoakEvent[] {
  const events: SoakEvent[] = [];
  for (let key = 0; key < KEYS; key++) {
    for (let day = 0; day < DAYS; day++) {
      if (random() >= 0.5) continue;
      const start = day * DAY + Math.floor(random() * DAY);
      const end = Math.min(DAYS * DAY, start + randomInt(random, 10 * MINUTE, 10 * HOUR));
      const mode = random();
      if (mode < 0.6) events.push({ at: start, kind: 'subscribe', key, until: end });
      if (mode >= 0.4) {
        const every = randomInt(random, 1, 15) * MINUTE;
        const concurrent = random() < 0.2 ? 3 : 1;
        for (let at = start + randomInt(random, 0, 999); at < end; at += every)
          for (let i = 0; i < concurrent; i++) events.push({ at, kind: 'call', key });
      }
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

describe('soak on virtual time', () => {
  it('200 keys over 7 days with faults and churn: timers, streams and heap stay bounded, close leaves nothing', async () => {
    await fc.assert(
      fc.asyncProperty(seed, seed, seed, async (engineSeed, authoritySeed, worldSeed) => {
        const world = seededRandom(worldSeed);
        const clock = new VirtualClock(VIRTUAL_EPOCH);
        const t0 = clock.now();
        const rel = (t: number): string => `+${((t - t0) / HOUR).toFixed(3)}h`;
        const manager = new TokenManager({
          scheduler: clock,
          random: seededRandom(engineSeed),
          keepWarmMs: KEEP_WARM_MS,
        });
        const profiles = new Map<string, KeyProfile>();
        const authority = new ScriptedAuthority({
          random: seededRandom(authoritySeed),
          maxLatencyMs: 500,
          outages: outagesOf(world, t0),
          failureRate: 0.02,
          sporadic: { kinds: FAILURE_KINDS, retryAfterMs: 2 * SECOND, timeoutMs: 5 * SECOND },
          profile: (key) => profiles.get(key)!,
          record: false,
        });
        const credentials = Array.from(
          { length: IDENTITIES },
          (_, i) => new ScriptedCredential(manager, clock, authority, `soak-${i}`),
        );
        const keys: SoakKey[] = Array.from({ length: KEYS }, (_, index) => {
          const scope = `https://soak${index}.example/.default`;
          const key = authorityKey(`soak-${index % IDENTITIES}`, scope);
          const profile = profileOf(world);
          profiles.set(key, profile);
          const credential = credentials[index % IDENTITIES]!;
          return {
            index,
            credential,
            scope,
            key,
            profile,
            subscribers: new Set(),
            waiting: 0,
            lastTouch: -Infinity,
            issued: 0,
          };
        });
        const byKey = new Map(keys.map((k) => [k.key, k]));
        const ledger = new TokenLedger(undefined, 3);
        /** Each issued token's place in its key's sequence (1, 2, ...). */
        const sequence = new WeakMap<IssuedToken, number>();
        authority.onIssue((token: IssuedToken) => {
          ledger.add(token);
          sequence.set(token, ++byKey.get(token.key)!.issued);
        });
        const violations: string[] = [];
        const violation = (line: string): void => {
          if (violations.length < 20) violations.push(line);
        };
        let closing = false;

        const call = (k: SoakKey): void => {
          const at = clock.now();
          const usable = ledger.usableAt(k.key, at);
          k.lastTouch = at;
          k.waiting++;
          k.credential.getToken(k.scope).then(
            (token) => {
              const now = clock.now();
              k.waiting--;
              k.lastTouch = now;
              const issued = ledger.get(token.token);
              if (issued === undefined || !ledger.isUsable(issued, now))
                violation(
                  `[1] getToken(${k.key}) at ${rel(at)} got an unusable ${token.token} at ${rel(now)}`,
                );
              if (usable !== undefined && (now !== at || token.token !== usable.token))
                violation(
                  `[4] getToken(${k.key}) at ${rel(at)} blocked or stale: ${usable.token} was usable, got ${token.token} at ${rel(now)}`,
                );
            },
            (error: unknown) => {
              const now = clock.now();
              k.waiting--;
              k.lastTouch = now;
              if (closing) return;
              const existed = ledger.usableDuring(k.key, at, now);
              if (existed !== undefined)
                violation(
                  `[3] getToken(${k.key}) at ${rel(at)} failed at ${rel(now)} (${String(error)}) although ${existed.token} was usable`,
                );
            },
          );
        };

        const subscribe = (k: SoakKey, until: number): void => {
          const start = clock.now();
          const newest = ledger.usableAt(k.key, start);
          let last: number | undefined;
          let ended = false;
          const handle: { subscription?: Subscription } = {};
          const end = (): void => {
            ended = true;
            if (handle.subscription !== undefined) k.subscribers.delete(handle.subscription);
            k.lastTouch = clock.now();
          };
          const subscription = k.credential.token$(k.scope).subscribe({
            next: (token) => {
              const now = clock.now();
              const issued = ledger.get(token.token);
              const place = issued === undefined ? undefined : sequence.get(issued);
              if (issued === undefined || !ledger.isUsable(issued, now))
                violation(`[1] token$(${k.key}) got an unusable ${token.token} at ${rel(now)}`);
              else if (
                last === undefined &&
                newest !== undefined &&
                (now !== start || issued !== newest)
              )
                violation(
                  `[6] token$(${k.key}) subscribed at ${rel(start)} got ${token.token} at ${rel(now)}, not ${newest.token} at once`,
                );
              else if ((last !== undefined || newest === undefined) && issued.issuedAt !== now)
                violation(`[6] token$(${k.key}) got ${token.token} at ${rel(now)}, late`);
              if (last !== undefined && place !== last + 1)
                violation(`[6] token$(${k.key}) got token ${place} of its key after ${last}`);
              last = place;
            },
            error: (error: unknown) => {
              end();
              const now = clock.now();
              const existed =
                last === undefined
                  ? ledger.usableDuring(k.key, start, now)
                  : ledger.usableAt(k.key, now);
              if (existed !== undefined)
                violation(
                  `[3] token$(${k.key}) errored at ${rel(now)} (${String(error)}) although ${existed.token} was usable`,
                );
            },
            complete: () => {
              end();
              if (!closing) violation(`[6] token$(${k.key}) completed at ${rel(clock.now())}`);
            },
          });
          if (ended) return;
          handle.subscription = subscription;
          k.subscribers.add(subscription);
          unsubscribeAt.push({
            at: until,
            run: () => {
              if (ended) return;
              subscription.unsubscribe();
              end();
              if (last !== undefined && last !== k.issued)
                violation(
                  `[6] token$(${k.key}) left at ${rel(clock.now())} having got token ${last} of ${k.issued}`,
                );
            },
          });
        };

        const unsubscribeAt: { at: number; run: () => void }[] = [];
        const events = eventsOf(world);
        const heap: number[] = [];
        let maxPending = 0;
        let maxStreams = 0;
        let next = 0;
        for (let hour = 1; hour <= DAYS * 24; hour++) {
          const sampleAt = t0 + hour * HOUR;
          for (;;) {
            unsubscribeAt.sort((a, b) => a.at - b.at);
            const event = events[next];
            const leave = unsubscribeAt[0];
            const eventAt = event === undefined ? Infinity : t0 + event.at;
            const leaveAt = leave === undefined ? Infinity : t0 + leave.at;
            const at = Math.min(eventAt, leaveAt);
            if (at > sampleAt) break;
            await clock.advance(at - clock.now());
            if (leaveAt <= eventAt) {
              unsubscribeAt.shift()!.run();
            } else {
              next++;
              const k = keys[event!.key]!;
              if (event!.kind === 'call') call(k);
              else subscribe(k, event!.until);
            }
          }
          await clock.advance(sampleAt - clock.now());
          const streams = manager.snapshot().length;
          const now = clock.now();
          const inUse = keys.filter(
            (k) => k.subscribers.size > 0 || k.waiting > 0 || now < k.lastTouch + KEEP_WARM_MS,
          ).length;
          maxPending = Math.max(maxPending, clock.pending);
          maxStreams = Math.max(maxStreams, streams);
          if (clock.pending > TIMERS_PER_STREAM * streams)
            violation(`[timers] ${clock.pending} timers for ${streams} streams at ${rel(now)}`);
          if (streams > inUse)
            violation(
              `[streams] ${streams} streams at ${rel(now)}, but only ${inUse} keys used within the keep-warm time`,
            );
          if (hour === 2 * 24 || hour === DAYS * 24) {
            const bytes = retainedHeapBytes();
            if (bytes !== undefined) heap.push(bytes);
          }
        }
        for (const leave of unsubscribeAt.splice(0)) leave.run();
        expect(authority.overlaps).toEqual([]);
        expect(authority.attemptCount).toBeGreaterThan(10 * KEYS);
        expect(maxStreams).toBeGreaterThan(KEYS / 10);
        closing = true;
        await manager.close();
        await settle();
        expect(violations).toEqual([]);
        expect({
          pending: clock.pending,
          streams: manager.snapshot().length,
          inFlight: authority.totalInFlight,
        }).toEqual({
          pending: 0,
          streams: 0,
          inFlight: 0,
        });
        if (heap.length === 2) expect(heap[1]! - heap[0]!).toBeLessThan(HEAP_GROWTH_LIMIT);
        expect(maxPending).toBeLessThanOrEqual(TIMERS_PER_STREAM * KEYS);
      }),
      // One world, not shrunk: a failure prints the seeds that replay it.
      { numRuns: 1, endOnFailure: true },
    );
  }, 60_000);
});
