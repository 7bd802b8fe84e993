import type { KeyState } from '../telemetry/events.js';
import { describeError } from '../errors.js';
import type { KeyStream } from './key/keyStream.js';

/** One key's state, for dashboards. Holds no token and no secret. */
export interface KeySnapshot {
  key: string;
  credential: string;
  /** The engine's opaque reference to the credential identity. */
  identity: string;
  scopes: readonly string[];
  tenantId?: string;
  enableCae: boolean;
  state: KeyState;
  expiresOnTimestamp?: number;
  /** ms until expiry at the time of the snapshot (0 once expired). */
  expiresInMs?: number;
  nextRefreshAt?: number;
  acquisitions: number;
  cacheHits: number;
  failures: number;
  subscribers: number;
  lastError?: { code: string; message: string };
}

/** Reads a stream's state at `now`. */
export function snapshotOf(stream: KeyStream, now: number): KeySnapshot {
  const { key, stats } = stream;
  const expires = stream.current?.expiresOnTimestamp;
  const error = stats.lastError;
  return {
    key: key.label,
    credential: key.credential,
    identity: key.identity,
    scopes: key.scopes,
    tenantId: key.tenantId,
    enableCae: key.enableCae,
    state: expires !== undefined && expires <= now ? 'expired' : stats.state,
    expiresOnTimestamp: expires,
    expiresInMs: expires === undefined ? undefined : Math.max(0, expires - now),
    nextRefreshAt: stats.nextRefreshAt,
    acquisitions: stats.acquisitions,
    cacheHits: stats.cacheHits,
    failures: stats.failures,
    subscribers: stats.subscribers,
    lastError:
      error === undefined
        ? undefined
        : {
            code: describeError(error),
            message: error instanceof Error ? error.message : String(error),
          },
  };
}
