/**
 * What of an endpoint's answer may go into an error message: a bounded excerpt from which every
 * secret is gone, the ones the request sent (which a server may echo) and the ones the body itself
 * carries (a token in a body that is otherwise unusable, cut short, or echoed in a description).
 */
import { redact } from '../../telemetry/redact.js';

const EXCERPT_LENGTH = 200;

// Fields whose values are secrets wherever they appear in a body.
const SECRET_FIELD =
  /^(?:access_token|refresh_token|id_token|client_secret|client_assertion|assertion|password)$/i;
// The same fields in raw text: JSON (escaped or not, terminated or not, in an array), forms, logs.
const RAW_SECRET_FIELD =
  /\b(?:access_token|refresh_token|id_token|client_secret|client_assertion|assertion|password)\\?["']?\s*[:=]\s*\[?\s*\\?["']?([^"'\\\s&,;[\]{}<>]+)/gi;
const NOT_SECRETS: ReadonlySet<string> = new Set(['null', 'true', 'false']);

/** Adds every string under a secret field of `root` to `found` (without recursion: JSON nests deep). */
function collect(root: unknown, found: Set<string>): void {
  const pending: [unknown, boolean][] = [[root, false]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, underSecret] = next;
    if (typeof value === 'string' && underSecret) found.add(value);
    if (typeof value !== 'object' || value === null) continue;
    for (const [name, child] of Object.entries(value as Record<string, unknown>))
      pending.push([child, underSecret || SECRET_FIELD.test(name)]);
  }
}

/** The values of secret fields in a body, however it is shaped or broken. */
export function bodySecrets(text: string): string[] {
  const found = new Set<string>();
  try {
    collect(JSON.parse(text), found);
  } catch {
    // Not JSON (or not whole): the raw scan below still finds the fields.
  }
  for (const match of text.matchAll(RAW_SECRET_FIELD)) {
    const value = match[1]!;
    found.add(value);
    try {
      found.add(decodeURIComponent(value));
    } catch {
      // Not URL-encoded.
    }
  }
  return [...found].filter((value) => value.length >= 4 && !NOT_SECRETS.has(value));
}

/**
 * A bounded excerpt of a body for error messages, with `secrets` and the body's own secret fields
 * redacted: never a token, a client secret or an assertion.
 */
export function bodyExcerpt(body: string, secrets: readonly string[] = []): string {
  const text = redactBody(body.replace(/\s+/g, ' ').trim(), body, secrets);
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
}

/** `text` (a part of `body`, or a field of it) redacted of `secrets` and of the body's secrets. */
export function redactBody(text: string, body: string, secrets: readonly string[] = []): string {
  // Longest first, so that a secret's prefix found elsewhere cannot leave its tail behind.
  const all = [...secrets, ...bodySecrets(body)].sort((a, b) => b.length - a.length);
  return redact(text, all);
}
