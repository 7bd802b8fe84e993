import { timer, type SchedulerLike } from 'rxjs';
import type { CredentialUnavailableError } from '../../errors.js';
import { miRequest, networkCode } from './miHttp.js';
import { notThere, type MiSource } from './sources.js';

/** What an {@link ImdsProbe} needs. */
export interface ImdsProbeOptions {
  source: MiSource;
  /** How long the probe waits for an answer, on `scheduler`'s clock. */
  timeoutMs: number;
  /** The engine's clock: the probe's deadline is a timer on it. */
  scheduler: SchedulerLike;
  /**
   * A deadline in real time besides, so that a clock that does not move (virtual time in a test)
   * cannot hold a probe forever.
   */
  backstopMs: number;
}

/**
 * Whether IMDS is there at all: one quick request without retries (no query, no `Metadata`
 * header, so that IMDS answers at once with an error). Any answer but Docker Desktop's 403
 * "unreachable" means it is there, and that is remembered. A failure is not: the next
 * acquisition probes again, as the anchor does on every `getToken`; remembering it would
 * strand the process on one slow moment. Concurrent acquisitions share the probe in flight,
 * which has its own deadline and no caller's signal: a caller that gives up stops waiting, and
 * the probe goes on for the others.
 */
export class ImdsProbe {
  private found = false;
  private pending: Promise<void> | undefined;

  constructor(private readonly options: ImdsProbeOptions) {}

  /** Resolves once IMDS has answered; rejects with `CredentialUnavailableError` otherwise. */
  check(): Promise<void> {
    if (this.found) return Promise.resolve();
    if (this.pending === undefined) {
      const pending = this.send().then(
        () => {
          this.found = true;
          this.pending = undefined;
        },
        (error: unknown) => {
          this.pending = undefined;
          throw error;
        },
      );
      this.pending = pending;
    }
    return this.pending;
  }

  private async send(): Promise<void> {
    const { source, timeoutMs, scheduler, backstopMs } = this.options;
    const abort = new AbortController();
    let late = false;
    const deadline = timer(timeoutMs, scheduler).subscribe(() => {
      late = true;
      abort.abort();
    });
    let status: number;
    let text: string;
    try {
      ({ status, text } = await miRequest({
        method: 'GET',
        url: source.endpoint,
        headers: { Accept: 'application/json' },
        timeoutMs: Math.max(timeoutMs, backstopMs),
        signal: abort.signal,
      }));
    } catch (error) {
      throw unanswered(source, late ? undefined : (networkCode(error) ?? 'error'), timeoutMs);
    } finally {
      deadline.unsubscribe();
    }
    if (status === 403 && /unreachable/i.test(text))
      throw notThere(source, 'the network is unreachable');
  }
}

function unanswered(
  source: MiSource,
  code: string | undefined,
  timeoutMs: number,
): CredentialUnavailableError {
  return notThere(
    source,
    code === undefined
      ? `the probe got no answer within ${timeoutMs} ms`
      : `the probe got no answer (${code})`,
  );
}
