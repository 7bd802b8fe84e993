import { readFileSync } from 'node:fs';

/** The variables of a `--sidecar-env` file, split at each line's first `=` (values may hold `=`). */
export function readSidecarEnv(path: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at), line.slice(at + 1)];
      }),
  );
}
