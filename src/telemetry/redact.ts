/**
 * Redaction for every text that leaves the library (errors, logs, span attributes, events).
 * Known secrets are replaced wherever they occur; anything shaped like a JWT is replaced too.
 */

export const REDACTED = '[REDACTED]';

// Three base64url segments starting with a JSON header: access tokens, id tokens, assertions.
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
// Secret-bearing fields in echoed bodies: JSON (`"access_token": "..."`, escapes included),
// forms (`code=...`) and log style (`client_secret: ...`; not `code:`, which is how status codes
// read in messages).
const SECRET_FIELDS =
  '(?:access_token|refresh_token|id_token|client_secret|client_assertion|assertion|code|password)';
const NAMED_SECRETS =
  '(?:access_token|refresh_token|id_token|client_secret|client_assertion|password)';
const JSON_FIELD_PATTERN = new RegExp(
  `(["']${SECRET_FIELDS}["']\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*')`,
  'gi',
);
const FORM_FIELD_PATTERN = new RegExp(`(\\b${SECRET_FIELDS}=)[^&\\s]+`, 'gi');
const LOG_FIELD_PATTERN = new RegExp(`(\\b${NAMED_SECRETS}:\\s*)[^\\s,;]+`, 'gi');

/** Returns `text` with every known secret and token-like value replaced by `[REDACTED]`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join(REDACTED);
  }
  return result
    .replace(JWT_PATTERN, REDACTED)
    .replace(JSON_FIELD_PATTERN, `$1"${REDACTED}"`)
    .replace(FORM_FIELD_PATTERN, `$1${REDACTED}`)
    .replace(LOG_FIELD_PATTERN, `$1${REDACTED}`);
}
