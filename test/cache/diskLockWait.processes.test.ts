import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { ChildProcesses, ROOT, ensureBuilt, runNode } from '../support/childProcesses.js';
import { until } from '../support/until.js';

/**
 * The wait for another process's disk key lock, in real processes: a holder's token request hangs
 * at the emulator, so it keeps the key's lock; a second process asks for the same key and gives
 * up (its abortSignal fires) or closes its engine. The lock wait (lockWaitMs 120 s here) must not
 * outlive that: the second process ends by itself, long before the holder lets go.
 */
const WORKER = join(ROOT, 'test', 'cache', 'lockWaitWorker.mjs');
const CLIENT_ID = '5a5a5a5a-0000-4000-8000-00000000105c';
const SECRET = 'lock-wait-secret-not-real';
const SCOPE = 'https://vault.azure.net/.default';
// Far beyond the test's bounds: a wait that runs to it fails the test.
const LOCK_WAIT_MS = 120_000;

const children = new ChildProcesses();
let em: Emulator;
let dir: string;

beforeAll(async () => {
  ensureBuilt(['dist/esm/index.js']);
  em = await startEmulator({ apps: [{ clientId: CLIENT_ID, clientSecret: SECRET }] });
}, 60_000);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ri-lockwait-'));
  em.counters.reset();
});
afterEach(() => {
  children.killAll();
  em.faults.clear();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await em.stop();
});

const key = randomBytes(32).toString('base64');

function worker(extra: Record<string, unknown>, timeoutMs: number) {
  const config = {
    authorityHost: em.url,
    ca: em.ca,
    tenantId: em.tenantId,
    clientId: CLIENT_ID,
    secret: SECRET,
    scope: SCOPE,
    persistence: { directory: dir, encryptionKey: key, lockWaitMs: LOCK_WAIT_MS },
    ...extra,
  };
  return runNode(
    WORKER,
    {
      env: { PATH: process.env.PATH ?? '', WORKER_CONFIG: JSON.stringify(config) },
      timeoutMs,
      killSignal: 'SIGKILL',
    },
    children,
  );
}

/** Starts a holder whose token request hangs, and resolves once it holds the key's lock. */
async function holder(): Promise<void> {
  em.faults.add({ route: 'token', latencyMs: 60_000, times: 1 });
  void worker({}, 90_000);
  await until(() => em.counters.get('token') === 1, "the holder's token request");
}

/**
 * Runs a waiter that stops waiting as `stop` says, and checks that it ended by itself (not killed
 * by the 30 s bound, which a wait running to lockWaitMs would meet) after telling its caller
 * `error`, and that it never asked for a token itself: it was waiting for the holder's.
 */
async function expectWaiterEnds(stop: Record<string, number>, error: string): Promise<void> {
  await holder();
  const run = await worker(stop, 30_000);
  expect({ signal: run.error?.signal ?? null, code: run.error?.code ?? null }).toEqual({
    signal: null,
    code: null,
  });
  const lines = run.stdout.trim().split('\n');
  expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([{ error }, { closed: true }]);
  expect(em.counters.get('token')).toBe(1);
}

describe("waiting for another process's disk key lock", () => {
  it('stops when the caller aborts: the process closes its engine and exits by itself', async () => {
    await expectWaiterEnds({ abortAfterMs: 300 }, 'AbortError');
  }, 60_000);

  it('stops when the engine is closed: the waiting call is told so, and the process exits by itself', async () => {
    await expectWaiterEnds({ closeAfterMs: 300 }, 'ClosedError');
  }, 60_000);
});
