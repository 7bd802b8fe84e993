import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { TokenManager } from '../../src/index.js';
import {
  EMULATOR_SYSTEM_ASSIGNED_IDENTITY,
  EMULATOR_USER_ASSIGNED_IDENTITIES,
  startEmulator,
  type Emulator,
} from '../../src/emulator/index.js';
import { managedIdentitySource } from '../../src/service/tokenSources.js';
import { ChildProcesses, ROOT, ensureBuilt } from '../support/childProcesses.js';
import { teardownAfterEach } from '../support/teardown.js';
import { startSidecar, type Sidecar } from './sidecarHarness.js';

const WORKER = join(ROOT, 'test', 'service', 'sidecarClientWorker.mjs');
const VAULT = 'https://vault.azure.net/.default';
type Library = 'anchor' | 'ours';
interface ClientResult {
  token?: string;
  expiresOnTimestamp?: number;
  /** Epoch ms just before and just after the client's getToken call. */
  askedAt?: number;
  answeredAt?: number;
  error?: string;
  message?: string;
  egress: string[];
}

let em: Emulator;
const children = new ChildProcesses();

beforeAll(async () => {
  ensureBuilt(['dist/esm/index.js']);
  em = await startEmulator();
}, 120_000);
afterAll(async () => {
  children.killAll();
  await em.stop();
});
const teardown = teardownAfterEach();

/** A sidecar whose upstream is the emulator's App Service managed identity endpoint. */
async function sidecar(): Promise<Sidecar> {
  const tokenManager = teardown.add(new TokenManager(), (m) => m.close());
  const source = managedIdentitySource({
    credentialOptions: { tokenManager, env: em.managedIdentity.env('appService') },
  });
  return startSidecar(teardown, { tokenManager, source });
}

/**
 * Starts one client process per entry with only IDENTITY_ENDPOINT and IDENTITY_HEADER in its
 * environment; once every one is loaded, lets them all ask at once; returns their answers.
 */
async function clients(
  s: Sidecar,
  entries: { library: Library; clientId?: string }[],
): Promise<ClientResult[]> {
  const env = {
    IDENTITY_ENDPOINT: `http://127.0.0.1:${s.port}/msi/token`,
    IDENTITY_HEADER: s.secret,
  };
  const runs = entries.map(({ library, clientId }) => {
    const args = [WORKER, library, VAULT, ...(clientId ? [clientId] : [])];
    const child = children.track(spawn(process.execPath, args, { env, stdio: 'pipe' }));
    let out = '';
    let err = '';
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        if (out.startsWith('ready\n')) resolve();
      });
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
      child.once('exit', (code) => reject(new Error(`client exited ${code}: ${err}`)));
    });
    // 'close', not 'exit': the last line may still be in the pipe when the process has exited.
    const done = new Promise<ClientResult>((resolve, reject) =>
      child.once('close', (code, signal) => {
        const line = out.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(line) as ClientResult);
        } catch {
          reject(
            new Error(
              `${library} client exited (${code ?? signal}) after ${JSON.stringify(out)}; stderr ${err}`,
            ),
          );
        }
      }),
    );
    return { child, ready, done };
  });
  await Promise.all(runs.map((r) => r.ready));
  for (const { child } of runs) child.stdin.end('go\n');
  return Promise.all(runs.map((r) => r.done));
}

describe('unmodified clients in processes of their own', () => {
  it('16 processes (@azure/identity and ours) get one identical token from one acquisition', async () => {
    const s = await sidecar();
    em.counters.reset();
    const libraries: Library[] = Array.from({ length: 16 }, (_, i) =>
      i % 2 === 0 ? 'anchor' : 'ours',
    );
    const results = await clients(
      s,
      libraries.map((library) => ({ library })),
    );
    expect(results.map((r) => r.error)).toEqual(Array(16).fill(undefined));
    expect(results.flatMap((r) => r.egress)).toEqual([]);
    expect(new Set(results.map((r) => r.token)).size).toBe(1);
    expect(em.counters.get('appService')).toBe(1);
    const claims = decodeJwt(results[0]!.token!);
    expect(claims).toMatchObject({
      aud: 'https://vault.azure.net',
      appid: EMULATOR_SYSTEM_ASSIGNED_IDENTITY.clientId,
    });
    // Both libraries read the expiry the sidecar wrote as epoch seconds. Ours keeps it as is.
    // MSAL re-derives it from its own clock: `expires_on` minus the time its request took (both
    // ends rounded to whole seconds), so it may lag `exp` by that time plus a second, never more,
    // and a loaded machine makes that time long.
    results.forEach(({ expiresOnTimestamp, askedAt, answeredAt }, i) => {
      if (libraries[i] === 'ours') {
        expect(expiresOnTimestamp).toBe(claims.exp! * 1000);
      } else {
        const lag = claims.exp! - expiresOnTimestamp! / 1000;
        expect(lag).toBeGreaterThanOrEqual(-1);
        expect(lag).toBeLessThanOrEqual((answeredAt! - askedAt!) / 1000 + 1);
      }
    });
    expect(s.events.filter((e) => e.status === 200)).toHaveLength(16);
  }, 90_000);

  it('passes a user-assigned client id through to managed identity, for both libraries', async () => {
    const s = await sidecar();
    const user = EMULATOR_USER_ASSIGNED_IDENTITIES[0]!;
    const results = await clients(s, [
      { library: 'anchor', clientId: user.clientId },
      { library: 'ours', clientId: user.clientId },
    ]);
    expect(results.map((r) => r.error)).toEqual([undefined, undefined]);
    for (const result of results) expect(decodeJwt(result.token!).appid).toBe(user.clientId);
    const query = em.requests.filter((r) => r.route === 'appService').at(-1)!.query;
    expect(query.client_id).toBe(user.clientId);
  }, 60_000);

  it('gives a client with a wrong identity header no token', async () => {
    const s = await sidecar();
    const results = await clients({ ...s, secret: `${s.secret}-wrong` }, [{ library: 'anchor' }]);
    expect(results[0]!.token).toBeUndefined();
    expect(results[0]!.error).toBeDefined();
    expect(s.events.map((e) => [e.status, e.reason])).toEqual([[401, 'wrong-header']]);
  }, 60_000);
});
