import type { Subscription } from 'rxjs';
import {
  DEFAULT_RETRY_MAX_DELAY_MS,
  TokenManager,
  isAuthenticationError,
  isIdentityError,
} from '../../src/index.js';
import {
  ScriptedAuthority,
  ScriptedCredential,
  authorityKey,
  type FailureMode,
  type IssuedToken,
  type KeyProfile,
  type Outage,
} from './scriptedAuthority.js';
import { seededRandom } from './seededRandom.js';
import { TokenLedger } from './tokenLedger.js';
import { VIRTUAL_EPOCH, VirtualClock, settle } from './virtualClock.js';

/**
 * Runs a planned day (or week) of one engine on virtual time: callers and token$ subscribers of
 * some keys at planned instants, against a {@link ScriptedAuthority} with planned outages, then
 * closes the engine. Records what every caller and subscriber got and when, for
 * {@link contractViolations} to judge. All times in a plan are ms after the start; all times in a
 * run are virtual clock readings (`t0` is the start).
 */

export const IDENTITY = 'scripted';

export interface CallPlan {
  key: number;
  at: number;
}

export interface SubscriptionPlan {
  key: number;
  start: number;
  end: number;
}

export interface ScenarioPlan {
  /** One key (scope) per profile. */
  keys: KeyProfile[];
  keepWarmMs: number;
  horizonMs: number;
  /** Seeds the engine's jitter. */
  engineSeed: number;
  /** Seeds the authority's latencies and failure kinds. */
  authoritySeed: number;
  maxLatencyMs: number;
  /** Relative to the start. */
  outages: Outage[];
  /** Outside outages, this share of attempts fails as `sporadic` says. Default 0. */
  failureRate?: number;
  sporadic?: FailureMode;
  calls: CallPlan[];
  subscriptions: SubscriptionPlan[];
  /** Sees each token as it is issued (e.g. to place an outage in its lifetime). */
  onIssue?: (token: IssuedToken, run: ScenarioRun) => void;
}

export interface CallRecord {
  key: string;
  at: number;
  /** Tokens issued before the call (the authority's serial): orders same-instant events. */
  issuedBefore: number;
  resolvedAt?: number;
  token?: string;
  erroredAt?: number;
  error?: unknown;
}

export interface SubscriptionRecord {
  key: string;
  start: number;
  /** Tokens issued before it subscribed, and before it ended. */
  issuedBefore: number;
  issuedBeforeEnd?: number;
  /** When it ended: unsubscribed, errored or completed. */
  endedAt?: number;
  received: { token: string; at: number }[];
  erroredAt?: number;
  error?: unknown;
  completedAt?: number;
}

export interface ScenarioRun {
  t0: number;
  clock: VirtualClock;
  manager: TokenManager;
  authority: ScriptedAuthority;
  ledger: TokenLedger;
  keys: string[];
  keepWarmMs: number;
  calls: CallRecord[];
  subscriptions: SubscriptionRecord[];
  /** The keys with a stream in `manager.snapshot()`, before each step and at the end. */
  listed: { at: number; keys: string[] }[];
  closedAt: number;
  pendingAfterClose: number;
  streamsAfterClose: number;
  inFlightAfterClose: number;
}

export function scopeOf(index: number): string {
  return `https://key${index}.example/.default`;
}

export async function runScenario(plan: ScenarioPlan): Promise<ScenarioRun> {
  const clock = new VirtualClock(VIRTUAL_EPOCH);
  const t0 = clock.now();
  const manager = new TokenManager({
    scheduler: clock,
    random: seededRandom(plan.engineSeed),
    keepWarmMs: plan.keepWarmMs,
  });
  const keys = plan.keys.map((_, i) => authorityKey(IDENTITY, scopeOf(i)));
  const profiles = new Map(keys.map((key, i) => [key, plan.keys[i]!]));
  const authority = new ScriptedAuthority({
    random: seededRandom(plan.authoritySeed),
    maxLatencyMs: plan.maxLatencyMs,
    outages: plan.outages.map((o) => ({ ...o, start: t0 + o.start, end: t0 + o.end })),
    failureRate: plan.failureRate,
    sporadic: plan.sporadic,
    profile: (key) => profiles.get(key)!,
  });
  const ledger = new TokenLedger();
  const run: ScenarioRun = {
    t0,
    clock,
    manager,
    authority,
    ledger,
    keys,
    keepWarmMs: plan.keepWarmMs,
    calls: [],
    subscriptions: [],
    listed: [],
    closedAt: NaN,
    pendingAfterClose: NaN,
    streamsAfterClose: NaN,
    inFlightAfterClose: NaN,
  };
  authority.onIssue((token) => {
    ledger.add(token);
    plan.onIssue?.(token, run);
  });
  const credential = new ScriptedCredential(manager, clock, authority, IDENTITY);

  type Step = { at: number; run: () => void };
  const steps: Step[] = [];
  for (const call of plan.calls) {
    steps.push({
      at: call.at,
      run: () => {
        const record: CallRecord = {
          key: keys[call.key]!,
          at: clock.now(),
          issuedBefore: authority.issuedCount,
        };
        run.calls.push(record);
        credential.getToken(scopeOf(call.key)).then(
          (token) => {
            record.resolvedAt = clock.now();
            record.token = token.token;
          },
          (error: unknown) => {
            record.erroredAt = clock.now();
            record.error = error;
          },
        );
      },
    });
  }
  const live = new Map<SubscriptionRecord, Subscription>();
  for (const sub of plan.subscriptions) {
    let record: SubscriptionRecord | undefined;
    steps.push({
      at: sub.start,
      run: () => {
        const r: SubscriptionRecord = {
          key: keys[sub.key]!,
          start: clock.now(),
          issuedBefore: authority.issuedCount,
          received: [],
        };
        record = r;
        run.subscriptions.push(r);
        const ended = (): void => {
          r.endedAt = clock.now();
          r.issuedBeforeEnd = authority.issuedCount;
          live.delete(r);
        };
        const subscription = credential.token$(scopeOf(sub.key)).subscribe({
          next: (token) => r.received.push({ token: token.token, at: clock.now() }),
          error: (error: unknown) => {
            r.erroredAt = clock.now();
            r.error = error;
            ended();
          },
          complete: () => {
            r.completedAt = clock.now();
            ended();
          },
        });
        if (r.endedAt === undefined) live.set(r, subscription);
      },
    });
    // Pushed after its start, so a stable sort keeps it after the start at the same instant.
    steps.push({
      at: Math.max(sub.start, sub.end),
      run: () => {
        if (record === undefined || record.endedAt !== undefined) return;
        live.get(record)?.unsubscribe();
        live.delete(record);
        record.endedAt = clock.now();
        record.issuedBeforeEnd = authority.issuedCount;
      },
    });
  }
  const ordered = steps
    .map((step, order) => ({ ...step, order }))
    .sort((a, b) => a.at - b.at || a.order - b.order);
  const list = (): void => {
    const listed = manager.snapshot().map((s) => authorityKey(IDENTITY, s.scopes.join(' ')));
    run.listed.push({ at: clock.now(), keys: listed });
  };
  for (const step of ordered) {
    if (step.at > plan.horizonMs) break;
    await clock.advance(t0 + step.at - clock.now());
    list();
    step.run();
  }
  await clock.advance(t0 + plan.horizonMs - clock.now());
  list();
  for (const [record, subscription] of live) {
    subscription.unsubscribe();
    record.endedAt = clock.now();
    record.issuedBeforeEnd = authority.issuedCount;
  }
  live.clear();
  run.closedAt = clock.now();
  await manager.close();
  await settle();
  run.pendingAfterClose = clock.pending;
  run.streamsAfterClose = manager.snapshot().length;
  run.inFlightAfterClose = authority.totalInFlight;
  return run;
}

export interface ContractOptions {
  retryMaxDelayMs?: number;
}

/**
 * Every way the run broke the stream contract, as readable lines (empty when it held):
 *
 * 1. every token handed out (getToken, token$) is usable at that instant (test-side window);
 * 2. at most one attempt in flight per key;
 * 3. a caller or subscriber errors only when no usable token existed during its wait, with a
 *    typed error; nobody is left waiting after close;
 * 4. a call made while a usable token exists resolves at that instant with the newest one (never
 *    blocked); a waiting call gets the next token issued, the instant it arrives;
 * 5. after a failed attempt, while the engine holds a usable token and someone still wants the
 *    key, the next attempt starts within max(retryMaxDelayMs, Retry-After);
 * 6. each subscriber gets the newest usable token at once, then every token issued while it is
 *    subscribed, exactly once, in order, the instant it arrives;
 * 7. the closed engine leaves no timer, no stream and no attempt in flight;
 * 8. a key that nobody has used for keepWarmMs (no subscriber, no waiting caller) has no stream.
 */
export function contractViolations(run: ScenarioRun, options: ContractOptions = {}): string[] {
  const out: string[] = [];
  const { ledger, t0 } = run;
  const rel = (t: number | undefined): string =>
    t === undefined ? 'never' : `+${((t - t0) / 1000).toFixed(3)}s`;
  const describe = (token: IssuedToken | undefined): string =>
    token === undefined
      ? 'none'
      : `${token.token} (received ${rel(token.issuedAt)}, usable until ${rel(ledger.usableUntil(token))}, expires ${rel(token.expiresOnTimestamp)})`;
  const retryMaxDelayMs = options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS;

  const handedOut = (key: string, token: string, at: number, who: string): void => {
    const issued = ledger.get(token);
    if (issued === undefined || issued.key !== key) {
      out.push(`[1] ${who} got ${token}, which the authority never issued for ${key}`);
    } else if (!ledger.isUsable(issued, at)) {
      out.push(`[1] ${who} got ${describe(issued)} at ${rel(at)}: past its usable time`);
    }
  };

  // 1, 3, 4: callers.
  for (const call of run.calls) {
    const who = `getToken(${call.key}) at ${rel(call.at)}`;
    const usable = ledger.usableAt(call.key, call.at, call.issuedBefore);
    if (call.token !== undefined) {
      handedOut(call.key, call.token, call.resolvedAt!, who);
      if (usable !== undefined) {
        if (call.resolvedAt !== call.at || call.token !== usable.token)
          out.push(
            `[4] ${who} was blocked or stale: ${describe(usable)} was usable, got ${call.token} at ${rel(call.resolvedAt)}`,
          );
      } else {
        const next = ledger.issuedBetween(call.key, call.issuedBefore, Infinity)[0];
        if (next === undefined || call.token !== next.token || call.resolvedAt !== next.issuedAt)
          out.push(
            `[4] ${who} waited and got ${call.token} at ${rel(call.resolvedAt)}, not the next token ${describe(next)}`,
          );
      }
    } else if (call.erroredAt !== undefined) {
      const closing = call.erroredAt === run.closedAt && codeOf(call.error) === 'ERR_CLOSED';
      if (!closing) {
        const existed = ledger.usableDuring(call.key, call.at, call.erroredAt);
        if (existed !== undefined)
          out.push(
            `[3] ${who} failed at ${rel(call.erroredAt)} (${describeError(call.error)}) although ${describe(existed)} was usable during its wait`,
          );
        if (!isTransientFailure(call.error))
          out.push(`[3] ${who} failed with an unexpected error: ${describeError(call.error)}`);
      }
    } else {
      out.push(`[3] ${who} never settled, even after close`);
    }
  }

  // 1, 3, 6: subscribers.
  for (const sub of run.subscriptions) {
    const who = `token$(${sub.key}) subscribed at ${rel(sub.start)}`;
    for (const r of sub.received) handedOut(sub.key, r.token, r.at, who);
    const first = ledger.usableAt(sub.key, sub.start, sub.issuedBefore);
    const expected = [
      ...(first === undefined ? [] : [{ token: first.token, at: sub.start }]),
      ...ledger
        .issuedBetween(sub.key, sub.issuedBefore, sub.issuedBeforeEnd ?? Infinity)
        .map((t) => ({ token: t.token, at: t.issuedAt })),
    ];
    const got = sub.received.map((r) => `${r.token}@${rel(r.at)}`).join(', ');
    const want = expected.map((r) => `${r.token}@${rel(r.at)}`).join(', ');
    if (got !== want)
      out.push(`[6] ${who}, ended ${rel(sub.endedAt)}: received [${got}], expected [${want}]`);
    if (sub.erroredAt !== undefined) {
      const usableThen =
        sub.received.length === 0
          ? ledger.usableDuring(sub.key, sub.start, sub.erroredAt)
          : ledger.usableAt(sub.key, sub.erroredAt);
      if (usableThen !== undefined)
        out.push(
          `[3] ${who} errored at ${rel(sub.erroredAt)} (${describeError(sub.error)}) although ${describe(usableThen)} was usable`,
        );
      if (!isTransientFailure(sub.error))
        out.push(`[3] ${who} errored with an unexpected error: ${describeError(sub.error)}`);
    }
    if (sub.completedAt !== undefined)
      out.push(`[6] ${who} completed at ${rel(sub.completedAt)} while the engine was open`);
  }

  // 2: single flight.
  for (const overlap of run.authority.overlaps)
    out.push(`[2] ${overlap.inFlight} attempts in flight for ${overlap.key} at ${rel(overlap.at)}`);

  // 5: the retry after a failure comes within one backoff step.
  for (const key of run.keys) {
    const attempts = run.authority.attempts.filter((a) => a.key === key);
    const alive = aliveness(run, key);
    attempts.forEach((failed, i) => {
      if (failed.settled !== 'failed') return;
      const f = failed.end!;
      const retryAfter = failed.retryAfterMs ?? 0;
      const bound = f + Math.max(retryMaxDelayMs, retryAfter);
      const next = attempts[i + 1];
      if (next !== undefined && next.start <= bound) return;
      if (bound >= run.closedAt) return;
      const fallback = ledger.usableAt(key, f);
      // No usable token: a first acquisition (bounded retries) or an expired one; callers see it.
      if (fallback === undefined) return;
      // Retry-After longer than the token lives: the engine may give up at its expiry.
      if (retryAfter > ledger.usableUntil(fallback) - f) return;
      // Nobody wants the key any more: the stream may have been torn down.
      if (!alive(f, bound)) return;
      out.push(
        `[5] ${key}: attempt failed at ${rel(f)} (${failed.planned}, Retry-After ${failed.retryAfterMs ?? '-'}), holding ${describe(fallback)}; next attempt ${rel(next?.start)}, due by ${rel(bound)}`,
      );
    });
  }

  // 8: keep-warm is bounded.
  const alive = new Map(run.keys.map((key) => [key, aliveness(run, key)]));
  for (const { at, keys } of run.listed) {
    for (const key of keys) {
      if (alive.get(key)?.(at, at) === true) continue;
      out.push(
        `[8] ${key} still has a stream at ${rel(at)}, unused for more than keepWarmMs (${run.keepWarmMs} ms)`,
      );
      break;
    }
  }

  // 7: close.
  if (run.pendingAfterClose !== 0)
    out.push(`[7] ${run.pendingAfterClose} timers pending after close`);
  if (run.streamsAfterClose !== 0)
    out.push(`[7] ${run.streamsAfterClose} streams listed after close`);
  if (run.inFlightAfterClose !== 0)
    out.push(`[7] ${run.inFlightAfterClose} attempts in flight after close`);
  const late = run.authority.attempts.find((a) => a.start > run.closedAt);
  if (late !== undefined) out.push(`[7] an attempt started after close, at ${rel(late.start)}`);
  return out;
}

/**
 * Whether the key's stream must still be running throughout [from, to]: at every instant either
 * someone is subscribed or waiting, or the last use is less than keepWarmMs ago.
 */
function aliveness(run: ScenarioRun, key: string): (from: number, to: number) => boolean {
  const active: [number, number][] = [];
  const touches: number[] = [];
  for (const call of run.calls) {
    if (call.key !== key) continue;
    const settledAt = call.resolvedAt ?? call.erroredAt ?? run.closedAt;
    touches.push(call.at, settledAt);
    if (settledAt > call.at) active.push([call.at, settledAt]);
  }
  for (const sub of run.subscriptions) {
    if (sub.key !== key) continue;
    const end = sub.endedAt ?? run.closedAt;
    active.push([sub.start, end]);
    touches.push(end);
  }
  touches.sort((a, b) => a - b);
  const starts = active.map(([s]) => s).sort((a, b) => a - b);
  const lastTouch = (t: number): number => {
    let last = -Infinity;
    for (const x of touches) if (x <= t) last = x;
    return last;
  };
  const nextEvent = (t: number): number => {
    const candidates = [...touches, ...starts].filter((x) => x > t);
    return candidates.length === 0 ? Infinity : Math.min(...candidates);
  };
  return (from, to) => {
    let t = from;
    while (t <= to) {
      const ends = active.filter(([s, e]) => s <= t && t < e).map(([, e]) => e);
      if (ends.length > 0) {
        t = Math.max(...ends);
        continue;
      }
      const deadline = lastTouch(t) + run.keepWarmMs;
      if (deadline <= t) return false;
      const next = nextEvent(t);
      if (next < deadline) {
        t = next;
        continue;
      }
      return deadline > to;
    }
    return true;
  };
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | undefined)?.code;
}

/** What a caller may see when the authority keeps failing: the authority's 503/429, or no answer. */
function isTransientFailure(error: unknown): boolean {
  if (isAuthenticationError(error)) return error.statusCode === 503 || error.statusCode === 429;
  return isIdentityError(error) && error.code === 'ERR_NETWORK';
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = codeOf(error);
  const status = (error as { statusCode?: unknown }).statusCode;
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}${typeof status === 'number' ? ` ${status}` : ''}: ${error.message.split('\n')[0]}`;
}
