import type { KeyState } from '../telemetry/events.js';
import type { KeyStream } from './keyStream.js';

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
  const expires = stream.current?.expiresOnTimestamp;
  const error = stream.lastError;
  return {
    key: stream.key.label,
    credential: stream.key.credential,
    identity: stream.key.identity,
    scopes: stream.key.scopes,
    tenantId: stream.key.tenantId,
    enableCae: stream.key.enableCae,
    state: expires !== undefined && expires <= now ? 'expired' : stream.state,
    expiresOnTimestamp: expires,
    expiresInMs: expires === undefined ? undefined : Math.max(0, expires - now),
    nextRefreshAt: stream.nextRefreshAt,
    acquisitions: stream.acquisitions,
    cacheHits: stream.cacheHits,
    failures: stream.failures,
    subscribers: stream.subscribers,
    lastError:
      error === undefined
        ? undefined
        : {
            code: String((error as { code?: unknown }).code ?? (error as Error).name ?? 'unknown'),
            message: error instanceof Error ? error.message : String(error),
          },
  };
}
