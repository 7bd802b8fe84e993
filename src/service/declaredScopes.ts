/**
 * The streams an operator declares with `--scope`: held open for the life of the service (so they
 * refresh ahead of expiry and a client's first request is a cache hit), and the readiness report
 * `/readyz` answers from. A stream that fails (its token expired and no refresh succeeded) is
 * subscribed again after `retryMs`, so the service becomes ready again when the authority recovers.
 */
import { retry, Subscription, tap, timer, type SchedulerLike } from 'rxjs';
import { describeError } from '../errors.js';
import { redact } from '../telemetry/redact.js';
import type { ReactiveCredential } from '../streams/reactiveCredential.js';
import type { ReadinessReport } from './serviceContract.js';

/** How long a failed declared stream waits before it is subscribed again. */
export const DEFAULT_DECLARED_RETRY_MS = 1_000;

/** Options of {@link DeclaredScopes}. */
export interface DeclaredScopesOptions {
  credential: ReactiveCredential;
  scopes: readonly string[];
  scheduler: SchedulerLike;
  /** Default {@link DEFAULT_DECLARED_RETRY_MS}. */
  retryMs?: number;
}

interface ScopeState {
  scope: string;
  expiresOnTimestamp?: number;
  lastError?: string;
}

/** Holds the declared streams and reports whether each has a valid token. */
export class DeclaredScopes {
  readonly #states: ScopeState[];
  readonly #scheduler: SchedulerLike;
  readonly #subscriptions = new Subscription();

  constructor(options: DeclaredScopesOptions) {
    const { credential, scheduler } = options;
    this.#scheduler = scheduler;
    this.#states = [...new Set(options.scopes)].map((scope) => ({ scope }));
    const retryMs = options.retryMs ?? DEFAULT_DECLARED_RETRY_MS;
    for (const state of this.#states) {
      this.#subscriptions.add(
        credential
          .token$(state.scope)
          .pipe(
            tap({
              next: (token) => {
                state.expiresOnTimestamp = token.expiresOnTimestamp;
                state.lastError = undefined;
              },
              error: (error: unknown) => {
                const message = error instanceof Error ? error.message : String(error);
                state.lastError = `${describeError(error)}: ${oneLine(redact(message))}`;
              },
            }),
            retry({ delay: () => timer(retryMs, scheduler) }),
          )
          .subscribe(),
      );
    }
  }

  /** The declared scopes, de-duplicated, in order. */
  get scopes(): string[] {
    return this.#states.map((s) => s.scope);
  }

  /** Ready when every declared scope holds a token that has not expired. */
  report(): ReadinessReport {
    const now = this.#scheduler.now();
    const reasons: string[] = [];
    for (const { scope, expiresOnTimestamp, lastError } of this.#states) {
      const failure = lastError === undefined ? '' : ` (last error: ${lastError})`;
      if (expiresOnTimestamp === undefined) {
        reasons.push(`${scope}: no token yet${failure}`);
      } else if (expiresOnTimestamp <= now) {
        const ago = Math.round((now - expiresOnTimestamp) / 1000);
        reasons.push(`${scope}: the token expired ${ago} s ago${failure}`);
      }
    }
    return { ready: reasons.length === 0, reasons };
  }

  /** Stops holding the streams. */
  close(): void {
    this.#subscriptions.unsubscribe();
  }
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
