import { execFile, execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';

/**
 * Who keeps the process alive, shown by real processes: a caller waiting for a token holds the
 * event loop until its wait settles (the engine's retry timers are unref'd), and nothing else
 * does. Each child only waits, and never calls process.exit.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORKER = join(ROOT, 'test', 'support', 'waitingCallerWorker.mjs');
const APP = '9c9c9c9c-0000-4000-8000-00000000009c';
const SECRET = 'waiting-caller-secret';
const SCOPE = 'https://storage.azure.com/.default';
/** A bound on each child, far above what it needs: past it the child is killed and the test fails. */
const CHILD_DEADLINE_MS = 20_000;

let em: Emulator;
const children = new Set<number>();

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: Record<string, unknown>[];
}

beforeAll(async () => {
  try {
    statSync(join(ROOT, 'dist', 'esm', 'index.js'));
  } catch {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  }
  em = await startEmulator({ apps: [{ clientId: APP, clientSecret: SECRET }] });
}, 60_000);

afterEach(() => {
  em.faults.clear();
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
});

afterAll(async () => {
  await em.stop();
});

function runChild(mode: 'getToken' | 'stream'): Promise<ChildResult> {
  const config = {
    mode,
    authorityHost: em.url,
    ca: em.ca,
    tenantId: em.tenantId,
    clientId: APP,
    secret: SECRET,
    scope: SCOPE,
  };
  const env = { PATH: process.env.PATH ?? '', WORKER_CONFIG: JSON.stringify(config) };
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [WORKER],
      { env, timeout: CHILD_DEADLINE_MS, killSignal: 'SIGKILL' },
      (error, stdout) => {
        if (child.pid !== undefined) children.delete(child.pid);
        const lines = stdout
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        const failure = error as (Error & { code?: unknown; signal?: NodeJS.Signals }) | null;
        const code = failure === null ? 0 : typeof failure.code === 'number' ? failure.code : null;
        resolve({ code, signal: failure?.signal ?? null, lines });
      },
    );
    if (child.pid !== undefined) children.add(child.pid);
  });
}

describe('a waiting caller keeps its process alive', () => {
  it('rejects with a typed 503 error and exits 1 through its own code path when the authority only fails', async () => {
    em.faults.add({ route: 'token', status: 503 });
    const before = em.counters.get('token');
    const result = await runChild('getToken');
    expect(result.lines).toEqual([
      {
        outcome: 'error',
        name: 'AuthenticationError',
        code: 'ERR_AUTHENTICATION_FAILED',
        statusCode: 503,
      },
    ]);
    expect(result).toMatchObject({ code: 1, signal: null });
    // The first try and the three retries all reached the authority: none was lost to an exit.
    expect(em.counters.get('token') - before).toBe(4);
  });

  it('resolves when the authority fails twice, then answers', async () => {
    em.faults.add({ route: 'token', status: 503, times: 2 });
    const before = em.counters.get('token');
    const result = await runChild('getToken');
    expect(result.lines).toEqual([
      { outcome: 'token', length: expect.any(Number), expiresOnTimestamp: expect.any(Number) },
    ]);
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(em.counters.get('token') - before).toBe(3);
  });

  it('holds a token$ subscriber waiting for its first token through the retries', async () => {
    em.faults.add({ route: 'token', status: 503, times: 2 });
    const result = await runChild('stream');
    expect(result.lines).toEqual([
      { outcome: 'token', length: expect.any(Number), expiresOnTimestamp: expect.any(Number) },
    ]);
    expect(result).toMatchObject({ code: 0, signal: null });
  });
});

describe('background work never holds the process', () => {
  it('exits by itself once the caller has its token, with the refresh still scheduled', async () => {
    // A one-hour token leaves a refresh timer and a keep-warm timer pending: had either been
    // ref'd, the child would run until the deadline kills it (signal SIGKILL, no exit code).
    const result = await runChild('getToken');
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatchObject({ outcome: 'token' });
  });
});
