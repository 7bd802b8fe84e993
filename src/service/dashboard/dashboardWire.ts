/**
 * What the dashboard sends to browsers: engine events, sidecar requests and key snapshots copied
 * field by field into plain records. Events and snapshots hold no token or secret by their types;
 * every string is redacted again (defence in depth) and cut to a bounded length, so a message that
 * echoes something unexpected still shows nothing secret and a long one cannot bloat a stream.
 */
import type { KeySnapshot } from '../../streams/snapshot.js';
import type { TokenEvent } from '../../telemetry/events.js';
import { redact } from '../../telemetry/redact.js';
import type { ReadinessReport, SidecarRequestEvent } from '../serviceContract.js';

/** The longest string sent. */
export const MAX_TEXT_LENGTH = 400;

/** An event as sent: its type and its primitive fields. */
export type WireRecord = Record<string, string | number | boolean>;

/** A redacted string of bounded length. */
export function wireText(value: string): string {
  const text = redact(value);
  return text.length <= MAX_TEXT_LENGTH ? text : `${text.slice(0, MAX_TEXT_LENGTH - 1)}…`;
}

function wireValue(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string') return wireText(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  return undefined;
}

/** An engine event as sent: every primitive field, strings redacted and bounded. */
export function wireEvent(event: TokenEvent): WireRecord {
  const record: WireRecord = {};
  for (const [name, value] of Object.entries(event)) {
    const wire = wireValue(value);
    if (wire !== undefined) record[name] = wire;
  }
  return record;
}

/** A sidecar request as sent. */
export function wireSidecar(event: SidecarRequestEvent): WireRecord {
  const record: WireRecord = {
    type: 'sidecar-request',
    at: event.at,
    status: event.status,
    client: wireText(event.client),
    durationMs: Math.round(event.durationMs * 100) / 100,
  };
  if (event.resource !== undefined) record.resource = wireText(event.resource);
  if (event.reason !== undefined) record.reason = wireText(event.reason);
  return record;
}

/** A key's state as sent. */
export interface WireKey {
  key: string;
  credential: string;
  identity: string;
  scopes: string[];
  tenantId?: string;
  enableCae: boolean;
  state: string;
  expiresOnTimestamp?: number;
  nextRefreshAt?: number;
  acquisitions: number;
  cacheHits: number;
  failures: number;
  subscribers: number;
  lastError?: { code: string; message: string };
}

export function wireKey(snapshot: KeySnapshot): WireKey {
  return {
    key: wireText(snapshot.key),
    credential: wireText(snapshot.credential),
    identity: wireText(snapshot.identity),
    scopes: snapshot.scopes.map(wireText),
    tenantId: snapshot.tenantId === undefined ? undefined : wireText(snapshot.tenantId),
    enableCae: snapshot.enableCae,
    state: wireText(snapshot.state),
    expiresOnTimestamp: snapshot.expiresOnTimestamp,
    nextRefreshAt: snapshot.nextRefreshAt,
    acquisitions: snapshot.acquisitions,
    cacheHits: snapshot.cacheHits,
    failures: snapshot.failures,
    subscribers: snapshot.subscribers,
    lastError:
      snapshot.lastError === undefined
        ? undefined
        : {
            code: wireText(snapshot.lastError.code),
            message: wireText(snapshot.lastError.message),
          },
  };
}

export function wireReadiness(report: ReadinessReport): { ready: boolean; reasons: string[] } {
  return { ready: report.ready, reasons: report.reasons.map(wireText) };
}

/** One Server-Sent Events message. `data` is JSON, so it never holds a raw newline. */
export function sseMessage(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
