import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { ChildProcesses, ROOT, ensureBuilt, runNode } from '../support/childProcesses.js';
import { freePort } from '../support/freePort.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { teardownAfterEach } from '../support/teardown.js';
import { until } from '../support/until.js';

// A fleet of "machines": processes with separate HOME and cache folders, sharing only Redis.
// Token requests are counted at the emulator.
const WORKER = join(ROOT, 'test', 'cache', 'redisWorker.mjs');
const EXIT_WORKER = join(ROOT, 'test', 'cache', 'redisExitWorker.mjs');
const CLIENT_ID = '4f1e2d3c-0000-4000-8000-0000000f1ee7';
const SECRET = 'fleet-secret-not-real';
const FLEET = 8;
// Renewed every third of it: a holder loses its lock only after a 2 s event-loop stall (a loaded
// CI machine stalls for about a second), and the killed holder's lock is gone after 3 s.
const LOCK_TTL_MS = 3_000;
const key = randomBytes(32).toString('base64');
const children = new ChildProcesses();
const homes: string[] = [];

interface Event {
  type: string;
  layer?: string;
  outcome?: string;
  operation?: string;
}

interface Reply {
  error?: string;
  digest?: string;
  token?: string;
  digests?: string[];
  lives?: number[];
  events?: Event[];
}

/** One machine: a worker process and its requests by id. */
class Machine {
  private serial = 0;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcess) {
    this.ready = new Promise((resolve, reject) => {
      child.on('message', (message: Reply & { id?: number; ready?: boolean }) => {
        if (message.ready === true) resolve();
        const answer = message.id === undefined ? undefined : this.pending.get(message.id);
        this.pending.delete(message.id ?? -1);
        answer?.(message);
      });
      child.once('exit', (code, signal) => {
        reject(new Error(`worker exited (${code ?? signal})`));
        for (const answer of this.pending.values()) answer({ error: `exited (${code ?? signal})` });
      });
    });
  }

  ask(op: string, args: Record<string, unknown> = {}): Promise<Reply> {
    const id = ++this.serial;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ op, id, ...args });
    });
  }

  async events(): Promise<Event[]> {
    return (await this.ask('events')).events ?? [];
  }
}

let em: Emulator;
let redis: RedisServer;
let raw: Redis;
let fleet: Machine[];

function workerConfig() {
  return {
    authorityHost: em.url,
    ca: em.ca,
    tenantId: em.tenantId,
    clientId: CLIENT_ID,
    secret: SECRET,
  };
}

function machine(): Machine {
  const home = mkdtempSync(join(tmpdir(), 'ri-fleet-home-'));
  homes.push(home);
  const config = {
    ...workerConfig(),
    // A generous command deadline: 8 machines on 2 loaded cores stall their event loops, and one
    // spurious timeout would degrade a machine and add a token request. No test here hangs Redis.
    redis: { url: redis.url, lockTtlMs: LOCK_TTL_MS, lockWaitMs: 10_000, timeoutMs: 5_000 },
  };
  const child = fork(WORKER, [], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      XDG_CACHE_HOME: join(home, '.cache'),
      REACTIVE_IDENTITY_CACHE_KEY: key,
      WORKER_CONFIG: JSON.stringify(config),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Machine(children.track(child));
}

async function machines(n: number): Promise<Machine[]> {
  const started = Array.from({ length: n }, machine);
  await Promise.all(started.map((m) => m.ready));
  return started;
}

/** Every machine asks for `scope` at one shared start time. */
async function together(ms: Machine[], scope: string): Promise<Reply[]> {
  const at = Date.now() + 300;
  return Promise.all(ms.map((m) => m.ask('token', { scope, at })));
}

const tokenRequests = () => em.counters.get('token');
const teardown = teardownAfterEach();
const onTeardown = (close: () => unknown) => teardown.defer(close);

beforeAll(async () => {
  // The workers run the built library: build it only when it is missing (npm test's pretest
  // builds it), never mid-run because a file in the shared tree changed: a rebuild empties dist/
  // under the other suites' child processes.
  ensureBuilt(['dist/esm/index.js']);
  redis = await startRedisServer();
  raw = new Redis(redis.url, { lazyConnect: true });
  await raw.connect();
  em = await startEmulator({
    latencyMs: 50,
    apps: [{ clientId: CLIENT_ID, clientSecret: SECRET }],
  });
  fleet = await machines(FLEET);
}, 120_000);

afterAll(async () => {
  children.killAll();
  raw?.disconnect();
  await Promise.all([em?.stop(), redis?.stop()]);
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

describe('a fleet sharing tokens through Redis', () => {
  it('makes one token request when 8 machines start together on one key', async () => {
    em.counters.reset();
    const replies = await together(fleet, 'https://storage.azure.com/.default');
    expect(replies.map((r) => r.error)).toEqual(Array(FLEET).fill(undefined));
    expect(new Set(replies.map((r) => r.digest)).size).toBe(1);
    expect(tokenRequests()).toBe(1);
  }, 30_000);

  it('makes none for machines that start later', async () => {
    em.counters.reset();
    const late = await machines(2);
    const replies = await together(late, 'https://storage.azure.com/.default');
    const [first] = await together(fleet.slice(0, 1), 'https://storage.azure.com/.default');
    expect(replies.map((r) => r.digest)).toEqual([first!.digest, first!.digest]);
    expect(tokenRequests()).toBe(0);
    for (const m of late) m.child.kill('SIGKILL');
  }, 30_000);

  it('keeps no token, tenant, client id or scope in clear in any Redis key or value', async () => {
    const [reply] = await together(fleet.slice(0, 1), 'https://storage.azure.com/.default');
    const keys = await raw.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    const values = await Promise.all(keys.map((k) => raw.get(k)));
    const stored = [...keys, ...values].join('\n');
    expect(stored).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\./);
    for (const clear of [reply!.token!, em.tenantId, CLIENT_ID, 'storage.azure.com', SECRET])
      expect(stored).not.toContain(clear);
  });

  it('still gives every machine tokens when Redis is killed mid-run', async () => {
    await redis.kill();
    const replies = await together(fleet, 'https://management.azure.com/.default');
    expect(replies.map((r) => r.error)).toEqual(Array(FLEET).fill(undefined));
    for (const m of fleet)
      expect(await m.events()).toContainEqual(
        expect.objectContaining({ type: 'cache-degraded', layer: 'redis' }),
      );
  }, 30_000);

  it('resumes sharing when Redis is restarted, without restarting the machines', async () => {
    await redis.restart();
    const recovered = new Set<Machine>();
    for (
      const deadline = Date.now() + 20_000;
      recovered.size < FLEET && Date.now() < deadline;
      await delay(100)
    )
      for (const m of fleet)
        if ((await m.events()).some((e) => e.type === 'cache-recovered')) recovered.add(m);
    expect(recovered.size).toBe(FLEET);
    em.counters.reset();
    const replies = await together(fleet, 'https://graph.microsoft.com/.default');
    expect(new Set(replies.map((r) => r.digest)).size).toBe(1);
    expect(tokenRequests()).toBe(1);
  }, 40_000);

  it("lets the others acquire after the lock's TTL when its holder is killed with SIGKILL", async () => {
    const [holder] = await machines(1);
    em.counters.reset();
    onTeardown(() => em.faults.clear());
    // The holder's token request hangs at the authority, so it holds the key's lock...
    em.faults.add({ route: 'token', latencyMs: 60_000, times: 1 });
    void holder!.ask('token', { scope: 'https://database.windows.net/.default' });
    await until(() => tokenRequests() === 1, "the holder's token request");
    // ...until it dies without releasing it.
    holder!.child.kill('SIGKILL');
    const replies = await together(fleet, 'https://database.windows.net/.default');
    expect(replies.map((r) => r.error)).toEqual(Array(FLEET).fill(undefined));
    expect(new Set(replies.map((r) => r.digest)).size).toBe(1);
    expect(tokenRequests()).toBe(2);
    const outcomes = (await Promise.all(fleet.map((m) => m.events())))
      .flat()
      .filter((e) => e.type === 'cache-lock' && e.layer === 'redis')
      .map((e) => e.outcome);
    expect(outcomes).toContain('acquired');
  }, 40_000);

  it.each([
    ['answers', () => redis.url],
    ['is down', async () => `redis://127.0.0.1:${await freePort()}`],
  ])(
    'lets a process exit by itself after its getToken when Redis %s',
    async (_state, url) => {
      const config = { ...workerConfig(), redisUrl: await url() };
      const env = { PATH: process.env.PATH ?? '', REACTIVE_IDENTITY_CACHE_KEY: key };
      const run = await runNode(
        EXIT_WORKER,
        {
          env: { ...env, WORKER_CONFIG: JSON.stringify(config) },
          timeoutMs: 20_000,
          killSignal: 'SIGKILL',
        },
        children,
      );
      expect({ error: run.error?.signal ?? run.error?.code ?? null, stderr: run.stderr }).toEqual({
        error: null,
        stderr: '',
      });
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
    },
    30_000,
  );

  // Last: the watched key stays warm (refreshing), which would add requests to the others.
  it('shares proactive refreshes: one token request per refresh window across the fleet', async () => {
    const scope = 'https://vault.azure.net/.default';
    em.setTokenLifetime(5);
    onTeardown(() => em.setTokenLifetime(3600));
    em.counters.reset();
    await Promise.all(fleet.map((m) => m.ask('watch', { scope })));
    const watched = async () => Promise.all(fleet.map((m) => m.ask('watched', { scope })));
    // 5 s tokens refresh at half their life. Once every machine has seen two, tokens live an
    // hour: the refresh that brings the first such token is the last, so the count is final
    // (exact by construction, however late this loop looks).
    const poll = async (done: (replies: Reply[]) => boolean): Promise<Reply[]> => {
      let replies: Reply[] = [];
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await delay(200)) {
        replies = await watched();
        if (done(replies)) break;
      }
      return replies;
    };
    await poll((rs) => rs.every((r) => (r.digests ?? []).length >= 2));
    em.setTokenLifetime(3600);
    const long = (r: Reply) => (r.lives ?? []).some((life) => life > 60_000);
    const replies = await poll((rs) => rs.every(long));
    expect(replies.every(long)).toBe(true);
    // Every machine saw the same tokens, each once, up to the first long-lived one.
    const sequences = replies.map((r) => {
      const end = (r.lives ?? []).findIndex((life) => life > 60_000);
      return (r.digests ?? []).slice(0, end + 1);
    });
    const [first] = sequences;
    expect(sequences).toEqual(Array(FLEET).fill(first));
    expect(new Set(first).size).toBe(first!.length);
    // The first token and at least two shared refreshes: one token request for each.
    expect(first!.length).toBeGreaterThanOrEqual(3);
    expect(tokenRequests()).toBe(first!.length);
  }, 60_000);
});
