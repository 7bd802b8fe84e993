/**
 * Waits, by yielding to I/O and never by sleeping a fixed time, until `condition` holds; throws
 * `Timed out waiting for <what>` if it still does not after a generous bound.
 */
export async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  // A bound, not a timing assertion: generous, so a loaded machine only makes the wait longer.
  const deadline = Date.now() + 20_000;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  if (!condition()) throw new Error(`Timed out waiting for ${what}`);
}
