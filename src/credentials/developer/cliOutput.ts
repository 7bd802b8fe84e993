import type { AccessToken } from '@azure/core-auth';
import { InvalidResponseError } from '../../errors.js';
import { redact } from '../../telemetry/redact.js';

// Python's rule for echoed CLI output, widened to the field names of all three tools.
const TOKEN_FIELD = /("(?:accessToken|access_token|token)"\s*:\s*")(.*?)("|$)/gim;
const MAX_ECHO_CHARS = 2_000;

/**
 * A tool's output made fit for an error or a log line: token-like values and token fields
 * replaced, trimmed, and cut to a readable length.
 */
export function sanitizeCliOutput(text: string): string {
  const clean = redact(text).replace(TOKEN_FIELD, '$1****$3').trim();
  return clean.length > MAX_ECHO_CHARS ? `${clean.slice(0, MAX_ECHO_CHARS)}…` : clean;
}

/** The JSON object `text` holds, or `undefined` for anything else. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Epoch seconds (a number or a numeric string) as ms since the epoch. */
export function epochSecondsToMs(value: unknown): number | undefined {
  if (typeof value === 'string' && !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  const seconds = typeof value === 'number' || typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : undefined;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})?$/;

/**
 * A date-time without a zone read as this machine's local time, as the Azure CLI writes
 * `expiresOn` (`2026-01-01 12:00:00.123456`). A value with a zone designator is refused.
 */
export function parseLocalDateTime(text: unknown): number | undefined {
  const parts = dateTimeParts(text);
  if (parts === undefined || parts.zone !== undefined) return undefined;
  const [y, mo, d, h, mi, s, ms] = parts.fields;
  const date = new Date(y, mo - 1, d, h, mi, s, ms);
  return date.getDate() === d && date.getMonth() === mo - 1 ? date.getTime() : undefined;
}

/**
 * An RFC 3339 date-time as azd writes `expiresOn` (`2026-01-01T12:00:00Z`), read as UTC: the
 * offset is applied when there is one, and a value without a zone counts as UTC, never local.
 */
export function parseUtcDateTime(text: unknown): number | undefined {
  const parts = dateTimeParts(text);
  if (parts === undefined) return undefined;
  const [y, mo, d, h, mi, s, ms] = parts.fields;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (new Date(utc).getUTCDate() !== d || new Date(utc).getUTCMonth() !== mo - 1) return undefined;
  const zone = parts.zone;
  if (zone === undefined || zone.toUpperCase() === 'Z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const offsetMinutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
  return utc - sign * offsetMinutes * 60_000;
}

function dateTimeParts(
  text: unknown,
): { fields: [number, number, number, number, number, number, number]; zone?: string } | undefined {
  const match = typeof text === 'string' ? DATE_TIME.exec(text.trim()) : null;
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction = '', zone] = match;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const fields = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (fields[3] > 23 || fields[4] > 59 || fields[5] > 59) return undefined;
  return { fields: [...fields, ms], zone };
}

/** Builds the token, or throws `InvalidResponseError` naming what is missing (never a value). */
export function cliToken(
  source: string,
  token: unknown,
  expiresOnTimestamp: number | undefined,
  expiryField: string,
): AccessToken {
  if (typeof token !== 'string' || token === '') {
    throw new InvalidResponseError(`${source} printed no token.`);
  }
  if (expiresOnTimestamp === undefined) {
    throw new InvalidResponseError(`${source} printed no valid ${expiryField}.`);
  }
  return { token, expiresOnTimestamp, tokenType: 'Bearer' };
}
