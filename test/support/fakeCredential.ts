import type { AccessToken } from '@azure/core-auth';
import { Observable, defer, map, timer, type SchedulerLike } from 'rxjs';
import { ReactiveCredential, type AcquireRequest, type TokenManager } from '../../src/index.js';

/** What one scripted acquisition does: succeed with a lifetime, or fail with an error. */
export type Outcome = { lifetimeMs: number; refreshInMs?: number } | { error: Error };

/**
 * A credential whose acquisitions are scripted and take `latencyMs` of virtual time. It records
 * every request, so tests count acquisitions and see what the engine asked for.
 */
export class FakeCredential extends ReactiveCredential {
  readonly requests: (AcquireRequest & { at: number })[] = [];
  outcomes: Outcome[] = [];
  fallback: Outcome = { lifetimeMs: 3_600_000 };
  /** When set, decides every outcome not scripted in `outcomes`, from the attempt's start time. */
  script: ((at: number) => Outcome) | undefined;
  private serial = 0;

  constructor(
    manager: TokenManager,
    private readonly clock: SchedulerLike,
    private readonly latencyMs = 100,
    identity = 'fake',
  ) {
    super({ tokenManager: manager });
    this.bind({
      kind: 'FakeCredential',
      id: `FakeCredential|${identity}`,
      label: `FakeCredential(${identity})`,
    });
  }

  protected acquireToken(request: AcquireRequest): Observable<AccessToken> {
    return defer(() => {
      this.requests.push({ ...request, at: this.clock.now() });
      const outcome = this.outcomes.shift() ?? this.script?.(this.clock.now()) ?? this.fallback;
      return timer(this.latencyMs, this.clock).pipe(
        map(() => {
          if ('error' in outcome) throw outcome.error;
          const now = this.clock.now();
          const token: AccessToken = {
            token: `token-${++this.serial}`,
            expiresOnTimestamp: now + outcome.lifetimeMs,
          };
          if (outcome.refreshInMs !== undefined)
            token.refreshAfterTimestamp = now + outcome.refreshInMs;
          return token;
        }),
      );
    });
  }
}
