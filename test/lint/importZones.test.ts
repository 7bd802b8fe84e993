import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run lint` enforces DESIGN.md's import rules: each case is a file that breaks one (or keeps
 * it), linted with the project's own configuration in a child process.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROBE = join(ROOT, 'test', 'support', 'lintProbe.mjs');

const cases = [
  [
    'streams imports a credential',
    'src/streams/probe.ts',
    "import '../credentials/identity.js';",
    true,
  ],
  ['streams imports the emulator', 'src/streams/probe.ts', "import '../emulator/index.js';", true],
  ['cache imports streams', 'src/cache/probe.ts', "import '../streams/clock.js';", true],
  [
    'cache imports a credential',
    'src/cache/probe.ts',
    "export * from '../credentials/msal/msalClient.js';",
    true,
  ],
  ['telemetry imports the project', 'src/telemetry/probe.ts', "import '../errors.js';", true],
  ['the emulator imports the library', 'src/emulator/probe.ts', "import '../index.js';", true],
  [
    'an emulator subfolder imports the library',
    'src/emulator/tokens/probe.ts',
    "import '../../streams/clock.js';",
    true,
  ],
  [
    'a dynamic import across a boundary',
    'src/cache/probe.ts',
    "void import('../streams/clock.js');",
    true,
  ],
  [
    'credentials import streams, cache and telemetry',
    'src/credentials/probe.ts',
    "import '../streams/clock.js';\nimport '../cache/cacheLayer.js';\nimport '../telemetry/redact.js';",
    false,
  ],
  [
    'streams imports cache and telemetry',
    'src/streams/probe.ts',
    "import '../cache/cacheLayer.js';\nimport '../telemetry/redact.js';\nimport '../errors.js';",
    false,
  ],
  [
    'an emulator subfolder imports another',
    'src/emulator/tokens/probe.ts',
    "import '../http/probe.js';",
    false,
  ],
  ['telemetry imports itself', 'src/telemetry/probe.ts', "import './redact.js';", false],
] as const;

let results: { rule: string | null; message: string }[][];

beforeAll(async () => {
  const input = cases.map(([, path, code]) => ({ path, code: `${code}\n` }));
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      [PROBE],
      { cwd: ROOT, env: { ...process.env, LINT_CASES: JSON.stringify(input) }, timeout: 60_000 },
      (error, out) => (error ? reject(error) : resolve(out)),
    ),
  );
  results = JSON.parse(stdout) as typeof results;
}, 60_000);

describe('import boundaries', () => {
  it.each(cases.map((c, i) => [c[0], i, c[3]] as const))('%s', (_name, index, breaks) => {
    const zoneErrors = results[index]!.filter((m) => m.rule === 'local/import-zones');
    if (breaks) {
      expect(zoneErrors).toHaveLength(1);
      expect(zoneErrors[0]!.message).toMatch(/may not import/);
    } else {
      expect(zoneErrors).toEqual([]);
    }
  });
});
