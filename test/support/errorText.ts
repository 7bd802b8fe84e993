import { inspect } from 'node:util';

/**
 * Everything an error carries that a logger or a crash report could print: its name, message,
 * stack, JSON and `util.inspect` form (hidden properties included), then the same of its causes
 * and of the errors it aggregates. For leak checks: search the joined parts for a secret.
 */
export function describeError(error: unknown, depth = 0): string[] {
  if (depth > 10 || typeof error !== 'object' || error === null) return [String(error)];
  const e = error as Error & { errors?: unknown[] };
  const parts = [
    String(e.name),
    String(e.message),
    String(e.stack),
    JSON.stringify(e),
    inspect(e, { depth: 20, showHidden: true }),
  ];
  if (e.cause !== undefined) parts.push(...describeError(e.cause, depth + 1));
  for (const inner of e.errors ?? []) parts.push(...describeError(inner, depth + 1));
  return parts;
}
