/** Typed events the engine publishes on `events$`, for dashboards and logs. */

/**
 * How a request for a key's shared lock ended: taken at once (`free`) or after waiting
 * (`acquired`); another holder's token arrived meanwhile (`token`); the wait timed out, or the
 * layer was unavailable: the engine then acquires on its own.
 */
export type CacheLockOutcome = 'free' | 'acquired' | 'token' | 'timeout' | 'unavailable';

/** Why an acquisition ran. */
export type RefreshReason = 'initial' | 'proactive' | 'expired' | 'claims';

/** What a key's stream is doing. */
export type KeyState = 'idle' | 'acquiring' | 'fresh' | 'refreshing' | 'retrying' | 'expired';

/** Fields every event carries. `key` is a display label: it never holds a secret or a hash of one. */
interface EventBase {
  /** Scheduler time of the event, ms since the epoch. */
  at: number;
  key: string;
  /** The credential kind, e.g. `ClientSecretCredential`. */
  credential: string;
  /**
   * Which credential configuration, as an opaque reference local to the engine (`i1`, `i2`...):
   * two instances of one kind and client id with different secrets tell their events apart.
   */
  identity: string;
}

export type TokenEvent = EventBase &
  (
    | { type: 'stream-opened' }
    | { type: 'stream-closed' }
    | { type: 'cache-hit'; layer: string }
    | { type: 'cache-miss' }
    | { type: 'acquisition-started'; reason: RefreshReason }
    | { type: 'acquisition-succeeded'; reason: RefreshReason; expiresOnTimestamp: number }
    | { type: 'acquisition-failed'; reason: RefreshReason; errorCode: string; message: string }
    | { type: 'refresh-scheduled'; refreshAt: number; expiresOnTimestamp: number }
    | { type: 'retry-scheduled'; retryAt: number; attempt: number }
    | { type: 'token-expired'; errorCode: string }
    | { type: 'cache-degraded'; layer: string; operation: string; message: string }
    | { type: 'cache-recovered'; layer: string; degradedMs: number }
    | { type: 'cache-warning'; layer: string; message: string }
    | { type: 'cache-lock'; layer: string; outcome: CacheLockOutcome; waitedMs: number }
    | {
        /** A chain's step: a link was tried, could not try (the chain moved on), failed, or served. */
        type: 'chain-decision';
        /** The link's credential kind, e.g. `EnvironmentCredential`. */
        link: string;
        decision: 'tried' | 'unavailable' | 'failed' | 'served';
        reason: RefreshReason;
        /** Why the link passed or failed (redacted), for `unavailable` and `failed`. */
        message?: string;
      }
  );

/** The kinds of event, for filtering. */
export type TokenEventType = TokenEvent['type'];
