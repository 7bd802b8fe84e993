import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { ChildProcesses, ensureBuilt, ROOT } from '../support/childProcesses.js';

/**
 * The engine holds credential instances weakly: users of `@azure/identity` build one per request
 * (never calling close()), and every one of them used to stay reachable from the engine forever.
 * Shown in real processes with an exposed collector: the instances are collected, the identity's
 * one stream closes with the last of them, and single flight still holds across all of them.
 */
const WORKER = join(ROOT, 'test', 'streams', 'credentialCollectionWorker.mjs');
const APP = '7c7c7c7c-0000-4000-8000-00000000007c';
const SECRET = 'collected-credential-secret';
const SCOPE = 'https://vault.azure.net/.default';
const CHILD_DEADLINE_MS = 60_000;

let em: Emulator;
const children = new ChildProcesses();

beforeAll(async () => {
  ensureBuilt(['dist/esm/index.js'], ['src']);
  em = await startEmulator({ apps: [{ clientId: APP, clientSecret: SECRET }] });
}, 120_000);

afterEach(() => {
  em.faults.clear();
  em.counters.reset();
  children.killAll();
});

afterAll(async () => {
  children.killAll();
  await em.stop();
});

async function runChild(
  mode: 'sequential' | 'concurrent' | 'subscribed',
  count: number,
  credential = 'ClientSecretCredential',
) {
  const config = {
    mode,
    count,
    credential,
    authorityHost: em.url,
    ca: em.ca,
    tenantId: em.tenantId,
    clientId: APP,
    secret: SECRET,
    scope: SCOPE,
  };
  const stdout = await new Promise<string>((resolve, reject) => {
    children.track(
      execFile(
        process.execPath,
        ['--expose-gc', WORKER],
        {
          env: { PATH: process.env.PATH ?? '', WORKER_CONFIG: JSON.stringify(config) },
          timeout: CHILD_DEADLINE_MS,
          killSignal: 'SIGKILL',
        },
        (error, out, err) =>
          error === null ? resolve(out) : reject(new Error(`${error.message}\n${out}\n${err}`)),
      ),
    );
  });
  return JSON.parse(stdout.trim()) as Record<string, unknown>;
}

describe('credentials nobody refers to', () => {
  it('are collected: 2000 per-request instances of one identity, one token request', async () => {
    const result = await runChild('sequential', 2000);
    expect(result).toEqual({ collected: 2000, tokens: 1, streams: 0 });
    expect(em.counters.get('token')).toBe(1);
  }, 90_000);

  it('are collected: 500 per-request DefaultAzureCredential chains, one token request', async () => {
    const result = await runChild('sequential', 500, 'DefaultAzureCredential');
    expect(result).toEqual({ collected: 500, tokens: 1, streams: 0 });
    expect(em.counters.get('token')).toBe(1);
    expect(em.counters.total()).toBe(1);
  }, 90_000);

  it('stay alive while their callers wait, through a retry, and are collected afterwards', async () => {
    em.faults.add({ route: 'token', status: 503, times: 1 });
    const result = await runChild('concurrent', 200);
    expect(result).toEqual({
      collected: 200,
      tokens: 1,
      errors: [],
      streams: 0,
    });
    // The 503, then the one retry that every caller shared.
    expect(em.counters.get('token')).toBe(2);
  }, 90_000);

  it('stay alive while a token$ subscription lives, and are collected once it ends', async () => {
    const result = await runChild('subscribed', 1);
    expect(result).toEqual({
      whileSubscribed: { collected: 0, completed: false, streams: 1 },
      afterUnsubscribe: { collected: 1, completed: false },
    });
    expect(em.counters.get('token')).toBe(1);
  }, 90_000);
});
