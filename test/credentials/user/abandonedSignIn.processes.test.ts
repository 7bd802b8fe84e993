import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { ChildProcesses, ensureBuilt, ROOT } from '../../support/childProcesses.js';
import { until } from '../../support/until.js';

/**
 * A process whose only caller aborts a device code sign-in ends by itself, and the emulator sees
 * no poll after the abort (but for one already on its way): the engine keeps the key warm, but
 * the sign-in stops. The emulator polls without an interval, so a loop that went on would show.
 */
const WORKER = join(ROOT, 'test', 'credentials', 'user', 'abandonedSignInWorker.mjs');
const PUBLIC_ID = 'b3b3b3b3-0000-4000-8000-0000000000b3';
const DEVICE_CODE_GRANT = 'token:device_code';

let em: Emulator;
const children = new ChildProcesses();

beforeAll(async () => {
  ensureBuilt(['dist/esm/index.js'], ['src']);
  em = await startEmulator({
    deviceCodeIntervalSeconds: 0,
    apps: [{ clientId: PUBLIC_ID, publicClient: true }],
  });
}, 120_000);
afterEach(() => children.killAll());
afterAll(async () => {
  children.killAll();
  await em.stop();
});

it('exits by itself after the abort, with no poll after it', async () => {
  em.counters.reset();
  const config = {
    authorityHost: em.url,
    ca: em.ca,
    tenantId: em.tenantId,
    clientId: PUBLIC_ID,
    scope: 'https://graph.microsoft.com/User.Read',
  };
  const child = children.track(
    spawn(process.execPath, [WORKER], {
      env: { PATH: process.env.PATH ?? '', WORKER_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const lines: Record<string, unknown>[] = [];
  let pollsAtAbort: number | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const text of chunk.split('\n').filter((t) => t.trim() !== '')) {
      const line = JSON.parse(text) as Record<string, unknown>;
      if (line.outcome === 'error') pollsAtAbort = em.counters.get(DEVICE_CODE_GRANT);
      lines.push(line);
    }
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  await until(() => em.counters.get(DEVICE_CODE_GRANT) >= 2, 'polling');
  process.kill(child.pid!, 'SIGUSR2');
  await until(() => exited, 'the child to exit by itself');
  expect(child.exitCode).toBe(0);
  expect(lines).toEqual([{ outcome: 'prompt' }, { outcome: 'error', code: 'ERR_ABORTED' }]);
  expect(em.counters.get(DEVICE_CODE_GRANT) - pollsAtAbort!).toBeLessThanOrEqual(1);
});
