/**
 * HTTP plumbing: reading a form body, flattening headers, Basic credentials, writing replies.
 *
 * @packageDocumentation
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Reply } from './call.js';

const MAX_BODY_BYTES = 1024 * 1024;

/** Thrown when a request body exceeds {@link MAX_BODY_BYTES}. */
export class BodyTooLargeError extends Error {
  constructor() {
    super('The request body is too large.');
  }
}

/** Reads the request body as UTF-8, up to 1 MiB. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses `application/x-www-form-urlencoded` text (or a query string); the first value wins. */
export function parseForm(text: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (!(key in form)) form[key] = value;
  }
  return form;
}

/**
 * Parses a request body: a JSON object (`application/json`; its string, number and boolean
 * members) or, otherwise, a url-encoded form.
 */
export function parseBody(contentType: string | undefined, text: string): Record<string, string> {
  if (!/^application\/json\b/i.test(contentType ?? '')) return parseForm(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const form: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (['string', 'number', 'boolean'].includes(typeof value)) form[key] = String(value);
  }
  return form;
}

/** Headers as a plain record: names lower-cased, repeated values joined with `, `. */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Client id and secret from an `Authorization: Basic` header (RFC 6749 §2.3.1 encoding). */
export function basicCredentials(authorization: string | undefined): {
  clientId?: string;
  clientSecret?: string;
} {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return {};
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return {};
  return {
    clientId: formDecode(decoded.slice(0, colon)),
    clientSecret: formDecode(decoded.slice(colon + 1)),
  };
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** Writes `reply`: JSON bodies as `application/json; charset=utf-8`, strings as they are. */
export function writeReply(
  res: ServerResponse,
  reply: Reply,
  headers: Record<string, string>,
): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store, no-cache',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
    ...reply.headers,
  });
  res.end(text);
}
