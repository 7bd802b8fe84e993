/**
 * Progress of a long wait on stderr: nothing for the first two seconds, then the time waited, in
 * place on a terminal (once a second) or as a line every ten seconds elsewhere.
 */
import type { Writable } from 'node:stream';

/** Silence before the first progress output, ms. */
export const PROGRESS_DELAY_MS = 2_000;

/** A running progress display; `done()` stops it (and clears its line on a terminal). */
export interface WaitProgress {
  done(): void;
}

export function waitProgress(
  err: Writable,
  what: string,
  delayMs = PROGRESS_DELAY_MS,
): WaitProgress {
  const tty = (err as { isTTY?: boolean }).isTTY === true;
  const started = Date.now();
  let shown = false;
  const show = () => {
    const seconds = Math.round((Date.now() - started) / 1000);
    err.write(tty ? `\r\x1b[K${what}... ${seconds} s` : `${what}... ${seconds} s\n`);
    shown = true;
  };
  let repeat: ReturnType<typeof setInterval> | undefined;
  const first = setTimeout(() => {
    show();
    repeat = setInterval(show, tty ? 1_000 : 10_000);
  }, delayMs);
  return {
    done: () => {
      clearTimeout(first);
      clearInterval(repeat);
      if (shown && tty) err.write('\r\x1b[K');
    },
  };
}
