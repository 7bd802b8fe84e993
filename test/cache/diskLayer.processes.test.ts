import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DiskLayer } from '../../src/cache/diskLayer.js';
import { LockedFileStore } from '../../src/cache/lockedFileStore.js';
import { ChildProcesses, ROOT, ensureBuilt } from '../support/childProcesses.js';
import { teardownAfterEach } from '../support/teardown.js';
import { token } from '../support/cachedTokens.js';
import { newKey } from './diskHelpers.js';

const WORKER = join(ROOT, 'test', 'support', 'cacheWorker.mjs');
const MIN_STALE_MS = 2000;

interface Worker {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
  exited: Promise<number | null>;
  waitForLine(predicate: (line: string) => boolean): Promise<void>;
}

const children = new ChildProcesses();
let dir: string;
let key: string;

function startWorker(mode: string, args: Record<string, unknown>): Worker {
  const child = spawn(
    process.execPath,
    [WORKER, mode, JSON.stringify({ directory: dir, ...args })],
    {
      env: { ...process.env, REACTIVE_IDENTITY_CACHE_KEY: key },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.track(child);
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitForLine = (predicate: (line: string) => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!lines.some(predicate)) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
      void exited.then(() => {
        check();
        reject(new Error(`worker exited first: ${stderr.join('')}`));
      });
    });
  return { child, lines, stderr, exited, waitForLine };
}

function storeReader(warnings: string[]): LockedFileStore {
  return new LockedFileStore({
    directory: dir,
    name: 'reactive-identity',
    encryptionKey: key,
    onWarning: (message) => warnings.push(message),
  });
}

beforeAll(() => {
  // The workers load the built cache: build it only when it is missing (npm test's pretest builds
  // it), never mid-run because a file in the shared tree changed (a rebuild empties dist/).
  ensureBuilt(['dist/esm/cache/diskLayer.js']);
}, 120_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ri-procs-'));
  key = newKey().toString('base64');
});

// Declared first, so it runs before the folder is removed.
const teardown = teardownAfterEach();

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterAll(() => children.killAll());

describe('DiskLayer across processes', () => {
  it('keeps every write of 8 processes × 500 writes, and always parses', async () => {
    const workers = Array.from({ length: 8 }, (_, id) =>
      startWorker('write', { id, count: 500, lockWaitMs: 120_000 }),
    );
    const warnings: string[] = [];
    const reader = storeReader(warnings);
    let running = true;
    const all = Promise.all(workers.map((w) => w.exited)).finally(() => (running = false));
    let reads = 0;
    while (running) {
      await reader.read();
      reads += 1;
      await delay(100);
    }
    const codes = await all;
    expect({ codes, stderr: workers.flatMap((w) => w.stderr) }).toEqual({
      codes: Array(8).fill(0),
      stderr: [],
    });
    const entries = await reader.read();
    expect(warnings).toEqual([]);
    expect(reads).toBeGreaterThan(1);
    expect(Object.keys(entries)).toHaveLength(4000);
    for (let id = 0; id < 8; id++)
      for (let i = 0; i < 500; i++) expect(entries[`w${id}-${i}`]).toBeDefined();
    // A hang guard, not a timing claim: the 4000 locked writes take 100-125 s on 2 loaded cores
    // (a writer that loses the race backs off up to 100 ms), too close to a 180 s bound for CI.
  }, 400_000);

  it('still parses, with every committed write, after a writer is killed mid-write', async () => {
    const writer = startWorker('write', { id: 0, count: 100_000, lockStaleMs: MIN_STALE_MS });
    await writer.waitForLine((line) => line === 'committed 49');
    process.kill(writer.child.pid as number, 'SIGKILL');
    await writer.exited;
    const committed = writer.lines.filter((line) => line.startsWith('committed ')).length;
    const warnings: string[] = [];
    const entries = await storeReader(warnings).read();
    expect(warnings).toEqual([]);
    expect(Object.keys(entries).length).toBeGreaterThanOrEqual(committed);
    expect(Object.keys(entries).length).toBeLessThanOrEqual(committed + 1);
    for (let i = 0; i < committed; i++) expect(entries[`w0-${i}`]).toBeDefined();

    // The dead writer's file lock (if it held one) is broken once stale; its temp file removed.
    const layer = new DiskLayer({
      directory: dir,
      encryptionKey: key,
      now: () => Date.now(),
      lockStaleMs: MIN_STALE_MS,
      lockWaitMs: 15_000,
    });
    teardown.defer(() => layer.close());
    await layer.set('after', token('after', Date.now() + 3_600_000));
    expect(
      readdirSync(dir).filter((name) => name.endsWith('.tmp') || name.endsWith('.lock')),
    ).toEqual([]);
    expect(Object.keys(await layer.store.read())).toContain('after');
  }, 60_000);

  it('breaks the key lock of a process killed while holding it', async () => {
    const holder = startWorker('hold', { key: 'k', lockStaleMs: MIN_STALE_MS });
    await holder.waitForLine((line) => line === 'locked');
    const options = {
      directory: dir,
      encryptionKey: key,
      now: () => Date.now(),
      lockStaleMs: MIN_STALE_MS,
    };
    const layer = new DiskLayer({ ...options, lockWaitMs: 0 });
    await expect(layer.lockKey('k')).rejects.toMatchObject({ code: 'ERR_CACHE_LOCK_TIMEOUT' });
    process.kill(holder.child.pid as number, 'SIGKILL');
    await holder.exited;
    const waiter = new DiskLayer({ ...options, lockWaitMs: 15_000 });
    const release = await waiter.lockKey('k');
    expect(typeof release).toBe('function');
    await release();
  }, 30_000);

  it('keeps a process alive while it waits for a key lock, unless told that its owner does', async () => {
    const holder = startWorker('hold', { key: 'k', lockStaleMs: MIN_STALE_MS });
    await holder.waitForLine((line) => line === 'locked');
    // The engine's layer: its callers' waits hold the process, so its own lock wait does not.
    const unheld = startWorker('wait', {
      key: 'k',
      lockWaitMs: 600_000,
      holdProcessWhileLocked: false,
    });
    expect(await unheld.exited).toBe(0);
    expect(unheld.lines).toEqual(['waiting']);
    // A layer used on its own: the wait keeps the process until it has the lock.
    const held = startWorker('wait', { key: 'k', lockWaitMs: 600_000, lockStaleMs: MIN_STALE_MS });
    await held.waitForLine((line) => line === 'waiting');
    process.kill(holder.child.pid as number, 'SIGKILL');
    await holder.exited;
    expect(await held.exited).toBe(0);
    expect(held.lines).toEqual(['waiting', 'locked', 'done']);
  }, 60_000);

  it('never lets two live processes hold one key lock at once', async () => {
    const log = join(dir, 'contention.log');
    const rounds = 40;
    const workers = [0, 1].map(() => startWorker('contend', { key: 'k', rounds, log }));
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    const events = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => {
        const [pid, kind, at] = line.split(' ');
        return { pid, kind, at: BigInt(at ?? '0') };
      });
    expect(events).toHaveLength(2 * 2 * rounds);
    expect(new Set(events.map((e) => e.pid)).size).toBe(2);
    // In the order appended, every enter is followed by the same process's exit...
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]).toMatchObject({ kind: 'enter' });
      expect(events[i + 1]).toMatchObject({ kind: 'exit', pid: events[i]?.pid });
    }
    // ...and by the monotonic clock the held intervals never overlap.
    const intervals = [];
    for (let i = 0; i < events.length; i += 2)
      intervals.push({ from: events[i]?.at ?? 0n, to: events[i + 1]?.at ?? 0n });
    intervals.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    for (let i = 1; i < intervals.length; i++)
      expect(intervals[i]!.from >= intervals[i - 1]!.to).toBe(true);
  }, 60_000);
});
