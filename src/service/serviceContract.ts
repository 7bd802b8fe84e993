/**
 * What the parts of the service share: the sidecar's request events (the dashboard shows them, the
 * metrics count them), the readiness report, and the shape of a route that the one HTTP server of
 * `reactive-identity serve` mounts. No field ever holds a token, a secret or the identity header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import type { KeySnapshot } from '../streams/snapshot.js';
import type { TokenEvent } from '../telemetry/events.js';

/** One request to the sidecar's token endpoint, after it was answered. */
export interface SidecarRequestEvent {
  type: 'sidecar-request';
  /** ms since the epoch, when the answer was sent. */
  at: number;
  /** HTTP status of the answer. */
  status: number;
  /** The `resource` asked for, when it was well-formed. */
  resource?: string;
  /** The client as `address:port` of its connection. */
  client: string;
  durationMs: number;
  /** Why a request was refused (`missing-header`, `wrong-header`, `foreign-host`, ...). */
  reason?: string;
}

/** Readiness of the declared streams (`--scope`): ready when each holds a fresh token. */
export interface ReadinessReport {
  ready: boolean;
  /** One line per declared scope that is not ready, saying why. */
  reasons: string[];
}

/** What a route reads from the running service. */
export interface ServiceView {
  /** The engine's events. */
  readonly events$: Observable<TokenEvent>;
  /** The sidecar's answered requests. */
  readonly sidecarEvents$: Observable<SidecarRequestEvent>;
  /** Every key the engine holds, now. */
  snapshot(): KeySnapshot[];
  readiness(): ReadinessReport;
  /** What serves tokens, for display (`DefaultAzureCredential`, `emulator at https://127.0.0.1:...`). */
  readonly description: string;
}

/**
 * A route of the service's HTTP server: answers and resolves `true` when the request is its own,
 * resolves `false` (having written nothing) otherwise. The server has already checked the `Host`
 * header against the listening address before any route is asked.
 */
export type ServiceRoute = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => boolean | Promise<boolean>;
