import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The public API changes only on purpose: the declaration surface of src/index.ts must match the
 * committed report, etc/reactive-identity.api.md. On a difference the failure shows the diff and
 * the command that writes the report (`npm run api:update`), to commit with the change.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the API report', () => {
  it('matches the public declarations of src/index.ts', async () => {
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(ROOT, 'scripts', 'apiReport.mjs')],
        { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) =>
          resolve({
            code: error === null ? 0 : Number(error.code ?? 1),
            output: `${stdout}${stderr}`,
          }),
      );
    });
    if (code !== 0) throw new Error(output);
    // The first run after a change to src/ emits the declarations itself (no fresh build to read).
  }, 120_000);
});
