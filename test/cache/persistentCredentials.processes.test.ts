import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  DeviceCodeCredential,
  serializeAuthenticationRecord,
  TokenManager,
} from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { ChildProcesses, ROOT, ensureBuilt, runNode } from '../support/childProcesses.js';

const WORKER = join(ROOT, 'test', 'support', 'identityWorker.mjs');
const APP = '8a8a8a8a-0000-4000-8000-00000000008a';
const SECRET = 'eight-processes-secret';
const PUBLIC_APP = '8b8b8b8b-0000-4000-8000-00000000008b';
const STORAGE = 'https://storage.azure.com/.default';

let em: Emulator;
let dir: string;
const key = randomBytes(32).toString('base64');
const children = new ChildProcesses();
/** Every token the tests were handed, to look for in the cache files. */
const issued: string[] = [];

beforeAll(async () => {
  // The workers run the built library; build it once if it is missing.
  ensureBuilt(['dist/esm/index.js']);
  em = await startEmulator({
    latencyMs: 100,
    deviceCodeIntervalSeconds: 0,
    apps: [
      { clientId: APP, clientSecret: SECRET },
      { clientId: PUBLIC_APP, publicClient: true },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'ri-persist-'));
}, 60_000);
afterAll(async () => {
  children.killAll();
  await em.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs one worker process with `config` and returns its JSON answer. */
async function worker(config: Record<string, unknown>): Promise<Record<string, unknown>> {
  const persistence = { directory: dir, name: 'processes', encryptionKey: key };
  const env = {
    PATH: process.env.PATH ?? '',
    WORKER_CONFIG: JSON.stringify({ authorityHost: em.url, ca: em.ca, persistence, ...config }),
  };
  const { error, stdout } = await runNode(WORKER, { env, timeoutMs: 60_000 }, children);
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw error ?? new Error(`worker printed ${line}`);
  }
}

describe('a persistent cache shared by processes', () => {
  it('makes exactly one token request when 8 processes start together on one key', async () => {
    em.counters.reset();
    const startAt = Date.now() + 1_500;
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        worker({
          mode: 'secret',
          tenantId: em.tenantId,
          clientId: APP,
          secret: SECRET,
          scope: STORAGE,
          startAt,
        }),
      ),
    );
    expect(results.map((r) => r.error)).toEqual(Array(8).fill(undefined));
    expect(new Set(results.map((r) => r.token)).size).toBe(1);
    issued.push(String(results[0]!.token));
    expect(em.counters.get('token')).toBe(1);
  }, 60_000);

  it('signs in with a device code once; a new process with the same cache gets a token with no prompt', async () => {
    const tokenManager = new TokenManager({
      persistence: { directory: dir, name: 'processes', encryptionKey: key },
    });
    const credential = new DeviceCodeCredential({
      authorityHost: em.url,
      tlsOptions: { ca: em.ca },
      env: {},
      tokenManager,
      tenantId: em.tenantId,
      clientId: PUBLIC_APP,
      userPromptCallback: (info) => em.approveDeviceCode(info.userCode),
    });
    const record = await credential.authenticate('https://graph.microsoft.com/User.Read');
    issued.push((await credential.getToken('https://graph.microsoft.com/User.Read')).token);
    await tokenManager.close();
    const result = await worker({
      mode: 'silent-device-code',
      tenantId: em.tenantId,
      clientId: PUBLIC_APP,
      record: serializeAuthenticationRecord(record!),
      scope: 'https://vault.azure.net/.default',
    });
    expect(result).toMatchObject({ prompted: false });
    expect(result.token).toMatch(/^eyJ/);
    issued.push(String(result.token));
  }, 60_000);

  it('leaves no access or refresh token in plaintext anywhere in the cache directory', async () => {
    const tokens = em.requests.filter((r) => r.route === 'token').length;
    expect(tokens).toBeGreaterThan(0);
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) =>
      d.isFile(),
    );
    const contents = files
      .map((f) => readFileSync(join(f.parentPath, f.name), 'latin1'))
      .join('\n');
    // A JWT is three dot-separated base64url segments; base64 ciphertext never holds a dot.
    expect(contents).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\./);
    for (const token of issued) expect(contents).not.toContain(token);
    expect(contents).not.toMatch(/"refresh_token"|"secret"/i);
  });
});
