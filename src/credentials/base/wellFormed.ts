/**
 * The shapes of values that end up in URLs, command lines and cache keys, checked once here for
 * every caller (credentials, the CLI, the sidecar).
 */

// Letters, digits and '-', '_', '.', ':', '/': what the anchor lets through to a developer CLI; no
// shell metacharacter, quote or whitespace.
const SCOPE_PATTERN = /^[0-9a-zA-Z-_.:/]+$/;
// A tenant id (GUID) or domain: anything else could inject into a URL or a command line.
const TENANT_PATTERN = /^[0-9a-zA-Z-.]+$/;

/** Whether `value` is a scope or resource made only of letters, digits and `-_.:/`. */
export function isWellFormedScope(value: string): boolean {
  return SCOPE_PATTERN.test(value);
}

/** Whether `value` is a tenant id or domain: letters, digits, `-` and `.`. */
export function isWellFormedTenantId(value: string): boolean {
  return TENANT_PATTERN.test(value);
}
