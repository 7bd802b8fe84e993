/**
 * Identifiers: stable GUIDs derived from names, random GUIDs and token ids, comparing ids, error
 * timestamps.
 *
 * @packageDocumentation
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** A GUID derived from `name` (a version-5-shaped UUID from its SHA-256): stable across runs. */
export function stableGuid(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  const part = (start: number, end: number): string => hex.slice(start, end);
  return `${part(0, 8)}-${part(8, 12)}-${part(12, 16)}-${part(16, 20)}-${part(20, 32)}`;
}

/** A random GUID (trace ids, default correlation ids). */
export function randomGuid(): string {
  return randomUUID();
}

/** A random base64url id of `bytes` bytes (token `uti`, `rh`). */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

/** Whether two ids (client ids, object ids) are the same, as Entra compares them: ignoring case. */
export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Formats a time as Entra does in errors: `yyyy-mm-dd hh:mm:ssZ`. */
export function entraTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}
