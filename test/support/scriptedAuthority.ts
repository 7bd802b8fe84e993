import type { AccessToken } from '@azure/core-auth';
import { Observable, defer, finalize, map, timer, type SchedulerLike } from 'rxjs';
import {
  AuthenticationError,
  NetworkError,
  ReactiveCredential,
  type AcquireRequest,
  type TokenManager,
} from '../../src/index.js';
import { randomInt } from './seededRandom.js';

/**
 * A fake authority whose answers are a function of virtual time: during an outage every attempt
 * fails (503 or 429 with an optional Retry-After, a connection reset, a timeout), outside one it
 * issues tokens with the key's lifetime and `refresh_in`. Latencies are random from a seeded
 * source. It counts the attempts in flight per key (the engine's single flight) and records every
 * attempt and every token it issued, so tests check the engine against what really happened.
 */

export type FailureKind = '503' | '429' | 'reset' | 'timeout';
export const FAILURE_KINDS: readonly FailureKind[] = ['503', '429', 'reset', 'timeout'];

/** How failing attempts behave. */
export interface FailureMode {
  /** Each failing attempt picks one of these at random. */
  kinds: readonly FailureKind[];
  /** Retry-After carried by 503 and 429 answers; none when undefined. */
  retryAfterMs?: number;
  /** How long a `timeout` attempt hangs before it fails. */
  timeoutMs: number;
}

/** An interval [start, end) of virtual time (ms since the epoch) during which every attempt that starts fails. */
export interface Outage extends FailureMode {
  start: number;
  end: number;
}

/** What the authority issues for a key. */
export interface KeyProfile {
  lifetimeMs: number;
  /** `refresh_in`, relative to issuance. */
  refreshInMs?: number;
}

export interface AuthorityOptions {
  /** Latencies and failure kinds come from here. */
  random: () => number;
  /** Successful and HTTP-failing attempts take a latency uniform in [0, maxLatencyMs]. */
  maxLatencyMs: number;
  outages?: Outage[];
  /** Outside outages, an attempt fails with this probability, as `sporadic` says. Default 0. */
  failureRate?: number;
  sporadic?: FailureMode;
  profile(key: string): KeyProfile;
  /** Keep every attempt in `attempts` (off for long soaks). Default true. */
  record?: boolean;
}

/** One acquisition attempt as the authority saw it. */
export interface Attempt {
  key: string;
  reason: string;
  start: number;
  /** When the answer arrived, or when the engine cancelled the attempt. */
  end?: number;
  planned: 'success' | FailureKind;
  retryAfterMs?: number;
  latencyMs: number;
  settled?: 'ok' | 'failed' | 'cancelled';
  token?: string;
}

/** A token the authority issued; `issuedAt` is when the engine received it. */
export interface IssuedToken {
  key: string;
  token: string;
  serial: number;
  issuedAt: number;
  expiresOnTimestamp: number;
  refreshAfterTimestamp?: number;
}

export class ScriptedAuthority {
  readonly outages: Outage[];
  readonly attempts: Attempt[] = [];
  /** Highest number of attempts in flight at once, per key. */
  readonly maxInFlight = new Map<string, number>();
  /** Attempts that started while another one for the same key was in flight. */
  readonly overlaps: { key: string; at: number; inFlight: number }[] = [];
  attemptCount = 0;
  private readonly inFlight = new Map<string, number>();
  private readonly issueListeners: ((token: IssuedToken) => void)[] = [];
  private serial = 0;

  constructor(private readonly options: AuthorityOptions) {
    this.outages = [...(options.outages ?? [])];
  }

  /** How many tokens have been issued so far: orders actions and tokens at the same instant. */
  get issuedCount(): number {
    return this.serial;
  }

  /** Attempts in flight for `key` now. */
  inFlightFor(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }

  /** Attempts in flight, all keys. */
  get totalInFlight(): number {
    let total = 0;
    for (const n of this.inFlight.values()) total += n;
    return total;
  }

  onIssue(listener: (token: IssuedToken) => void): void {
    this.issueListeners.push(listener);
  }

  /** The outage in force at `at`, if any. */
  outageAt(at: number): Outage | undefined {
    return this.outages.find((o) => o.start <= at && at < o.end);
  }

  /** One attempt for `key`, starting now on `clock`: cold, cancellable. */
  attempt(key: string, reason: string, clock: SchedulerLike): Observable<AccessToken> {
    return defer(() => {
      const start = clock.now();
      const { random } = this.options;
      const mode = this.failureModeAt(start);
      const planned: Attempt['planned'] = mode === undefined ? 'success' : pick(random, mode.kinds);
      const latencyMs =
        planned === 'timeout'
          ? mode!.timeoutMs
          : planned === 'reset'
            ? randomInt(random, 0, Math.min(50, this.options.maxLatencyMs))
            : randomInt(random, 0, this.options.maxLatencyMs);
      const retryAfterMs = planned === '503' || planned === '429' ? mode?.retryAfterMs : undefined;
      const attempt: Attempt = { key, reason, start, planned, retryAfterMs, latencyMs };
      this.attemptCount++;
      if (this.options.record !== false) this.attempts.push(attempt);
      const inFlight = this.inFlightFor(key) + 1;
      this.inFlight.set(key, inFlight);
      this.maxInFlight.set(key, Math.max(inFlight, this.maxInFlight.get(key) ?? 0));
      if (inFlight > 1) this.overlaps.push({ key, at: start, inFlight });
      return timer(latencyMs, clock).pipe(
        map(() => {
          attempt.end = clock.now();
          if (planned !== 'success') {
            attempt.settled = 'failed';
            throw failure(planned, retryAfterMs, latencyMs);
          }
          attempt.settled = 'ok';
          return this.issue(attempt, clock.now());
        }),
        finalize(() => {
          this.inFlight.set(key, this.inFlightFor(key) - 1);
          if (attempt.settled === undefined) {
            attempt.settled = 'cancelled';
            attempt.end = clock.now();
          }
        }),
      );
    });
  }

  private failureModeAt(at: number): FailureMode | undefined {
    const outage = this.outageAt(at);
    if (outage !== undefined) return outage;
    const rate = this.options.failureRate ?? 0;
    if (rate > 0 && this.options.sporadic !== undefined && this.options.random() < rate)
      return this.options.sporadic;
    return undefined;
  }

  private issue(attempt: Attempt, now: number): AccessToken {
    const profile = this.options.profile(attempt.key);
    const serial = ++this.serial;
    const token: AccessToken = {
      token: `${attempt.key}#${serial}`,
      expiresOnTimestamp: now + profile.lifetimeMs,
    };
    if (profile.refreshInMs !== undefined) token.refreshAfterTimestamp = now + profile.refreshInMs;
    attempt.token = token.token;
    const issued: IssuedToken = {
      key: attempt.key,
      token: token.token,
      serial,
      issuedAt: now,
      expiresOnTimestamp: token.expiresOnTimestamp,
      refreshAfterTimestamp: token.refreshAfterTimestamp,
    };
    for (const listener of this.issueListeners) listener(issued);
    return token;
  }
}

/** The key under which the authority counts a credential's requests. */
export function authorityKey(identity: string, scope: string): string {
  return `${identity}|${scope}`;
}

/** A credential that asks a {@link ScriptedAuthority}; each scope is one key. */
export class ScriptedCredential extends ReactiveCredential {
  constructor(
    manager: TokenManager,
    private readonly clock: SchedulerLike,
    private readonly authority: ScriptedAuthority,
    private readonly name = 'scripted',
  ) {
    super({ tokenManager: manager });
    this.bind({
      kind: 'ScriptedCredential',
      id: `ScriptedCredential|${name}`,
      label: `ScriptedCredential(${name})`,
    });
  }

  protected acquireToken(request: AcquireRequest): Observable<AccessToken> {
    const key = authorityKey(this.name, request.scopes.join(' '));
    return this.authority.attempt(key, request.reason, this.clock);
  }
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.min(values.length - 1, Math.floor(random() * values.length))]!;
}

function failure(kind: FailureKind, retryAfterMs: number | undefined, latencyMs: number): Error {
  switch (kind) {
    case '503':
      return new AuthenticationError(
        503,
        {
          error: 'temporarily_unavailable',
          errorDescription: 'AADSTS50000: The service is temporarily unavailable.',
        },
        { retryAfterMs },
      );
    case '429':
      return new AuthenticationError(
        429,
        { error: 'too_many_requests', errorDescription: 'AADSTS50196: Too many requests.' },
        { retryAfterMs },
      );
    case 'reset':
      return new NetworkError('read ECONNRESET');
    case 'timeout':
      return new NetworkError(`The token request timed out after ${latencyMs} ms.`);
  }
}
