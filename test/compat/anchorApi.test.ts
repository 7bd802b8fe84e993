import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The compile-time compatibility test (anchorApi*.ts, compiled by `tsc --noEmit -p .` against this
 * package and, as their twins, against `@azure/identity`) holds only while the twins are the same
 * code and use every name the anchor exports (runtimeExports.test.ts checks the values).
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(script: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'scripts', script)],
      { cwd: ROOT },
      (error, stdout, stderr) =>
        resolve({
          code: error === null ? 0 : Number(error.code ?? 1),
          output: `${stdout}${stderr}`,
        }),
    );
  });
}

describe('the compatibility files', () => {
  it('compile the same code against @azure/identity and use every name it exports', async () => {
    const { code, output } = await run('compatTwins.mjs');
    if (code !== 0) throw new Error(output);
  }, 60_000);
});
