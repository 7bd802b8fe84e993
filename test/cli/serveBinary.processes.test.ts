import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { createSelfSignedServerCertificate, startEmulator } from '../../src/emulator/index.js';
import { ChildProcesses, ROOT, ensureBuilt } from '../support/childProcesses.js';
import { until } from '../support/until.js';
import { readSidecarEnv } from './sidecarEnvFile.js';
import { send } from '../service/sidecarHarness.js';

const MAIN = join(ROOT, 'dist', 'esm', 'cli', 'main.js');
const children = new ChildProcesses();
let dir: string;

beforeAll(() => {
  ensureBuilt(['dist/esm/cli/main.js', 'dist/esm/service/dashboard/assets/index.html']);
  dir = mkdtempSync(join(tmpdir(), 'ri-serve-bin-'));
}, 120_000);
afterAll(() => {
  children.killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Nothing that points at Azure: `serve` runs on the embedded emulator. */
const cleanEnv = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '',
  ...extra,
});

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[], env = cleanEnv()): Run {
  const child = children.track(spawn(process.execPath, [MAIN, ...args], { env, stdio: 'pipe' }));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // 'close': every byte it printed has been read by then.
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

describe('reactive-identity serve (the built binary)', () => {
  it('prints its URL, serves a token through --sidecar-env, and exits 0 on SIGTERM', async () => {
    const envFile = join(dir, 'sidecar.env');
    const serve = start([
      'serve',
      '--port',
      '0',
      '--sidecar-env',
      envFile,
      '--scope',
      'https://vault.azure.net/.default',
    ]);
    let exited = false;
    void serve.exit.then(() => (exited = true));
    await until(
      () => /Dashboard +http:\/\/127\.0\.0\.1:\d+\//.test(serve.stdout()) || exited,
      'the banner',
    );
    expect(serve.stderr()).toBe('');
    const url = /Dashboard +(http:\/\/127\.0\.0\.1:\d+)\//.exec(serve.stdout())![1]!;
    const port = Number(new URL(url).port);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const vars = readSidecarEnv(envFile);
    expect(Object.keys(vars)).toEqual(['IDENTITY_ENDPOINT', 'IDENTITY_HEADER']);
    expect(vars.IDENTITY_ENDPOINT).toBe(`${url}/msi/token`);
    const answer = await send(
      port,
      '/msi/token?resource=https://vault.azure.net&api-version=2019-08-01',
      {
        headers: { 'X-IDENTITY-HEADER': vars.IDENTITY_HEADER! },
      },
    );
    expect(answer.status).toBe(200);
    // `token` in a process of its own, pointed at the sidecar by the file alone: the same key,
    // the same token.
    const token = start(
      ['token', '--credential', 'managed-identity', '--resource', 'https://vault.azure.net'],
      cleanEnv(vars),
    );
    expect(await token.exit).toEqual({ code: 0, signal: null });
    expect(JSON.parse(token.stdout()).accessToken).toBe(answer.json!.access_token);
    expect(await send(port, '/readyz')).toMatchObject({ status: 200, json: { ready: true } });
    serve.child.kill('SIGTERM');
    expect(await serve.exit).toEqual({ code: 0, signal: null });
    expect(serve.stdout().trimEnd().endsWith('Stopped cleanly.')).toBe(true);
    expect(serve.stdout()).not.toContain(vars.IDENTITY_HEADER!);
  }, 60_000);

  it('on SIGTERM over HTTPS, exits 0 by itself though a connection never starts its TLS handshake', async () => {
    const pair = await createSelfSignedServerCertificate({ ipAddresses: ['127.0.0.1'] });
    const [cert, key] = [join(dir, 'tls-cert.pem'), join(dir, 'tls-key.pem')];
    writeFileSync(cert, pair.certPem);
    writeFileSync(key, pair.keyPem, { mode: 0o600 });
    const serve = start(['serve', '--port', '0', '--tls-cert', cert, '--tls-key', key]);
    let exited = false;
    void serve.exit.then(() => (exited = true));
    const banner = /Dashboard +https:\/\/127\.0\.0\.1:(\d+)\//;
    await until(() => banner.test(serve.stdout()) || exited, 'the banner');
    const port = Number(banner.exec(serve.stdout())![1]);
    // Connected, and silent: no ClientHello, so the connection never reaches HTTP.
    const silent = connect(port, '127.0.0.1');
    silent.on('error', () => undefined);
    await new Promise<void>((resolve) => silent.once('connect', () => resolve()));
    try {
      serve.child.kill('SIGTERM');
      // A hang guard, not a timing threshold: the grace is 10 s, Node's own TLS timeout 120 s.
      let guard: NodeJS.Timeout | undefined;
      const hung = new Promise<'hung'>((resolve) => (guard = setTimeout(resolve, 60_000, 'hung')));
      const outcome = await Promise.race([serve.exit, hung]);
      clearTimeout(guard);
      expect(outcome).toEqual({ code: 0, signal: null });
      expect(serve.stdout().trimEnd().endsWith('Stopped cleanly.')).toBe(true);
    } finally {
      silent.destroy();
    }
  }, 90_000);

  it('refuses a non-loopback --host without --allow-remote: exit code 2, nothing listens', async () => {
    const serve = start(['serve', '--host', '0.0.0.0', '--port', '0']);
    expect(await serve.exit).toEqual({ code: 2, signal: null });
    expect(serve.stdout()).toBe('');
    expect(serve.stderr()).toMatch(/--host 0\.0\.0\.0 is not a loopback address.*--allow-remote/);
  }, 30_000);
});

describe('reactive-identity token (the built binary)', () => {
  it('shows the device code prompt on stderr and prints the token once the user approves', async () => {
    // The developer sign-on app that DeviceCodeCredential uses by default, as a public client.
    const em = await startEmulator({
      deviceCodeIntervalSeconds: 0,
      apps: [{ clientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', publicClient: true }],
    });
    try {
      const caFile = join(dir, 'emulator-ca.pem');
      writeFileSync(caFile, em.ca);
      const token = start(
        [
          'token',
          '--credential',
          'device-code',
          '--tenant',
          em.tenantId,
          '--scope',
          'https://vault.azure.net/.default',
        ],
        cleanEnv({ AZURE_AUTHORITY_HOST: em.url, NODE_EXTRA_CA_CERTS: caFile }),
      );
      let exited = false;
      void token.exit.then(() => (exited = true));
      await until(() => em.pendingDeviceCodes().length === 1 || exited, 'the device code');
      const [pending] = em.pendingDeviceCodes();
      await until(() => token.stderr().includes(pending!.userCode) || exited, 'the prompt');
      expect(token.stdout()).toBe('');
      em.approveDeviceCode(pending!.userCode);
      expect(await token.exit).toEqual({ code: 0, signal: null });
      expect(JSON.parse(token.stdout())).toMatchObject({
        tenant: em.tenantId,
        tokenType: 'Bearer',
      });
    } finally {
      await em.stop();
    }
  }, 60_000);
});

describe('reactive-identity emulator (the built binary)', () => {
  it.each([
    [':TopSecretValue123', /the client id before the colon is empty/],
    ['TopSecretValue123', /the value has no colon/],
    ['my-app:', /the secret after the colon is empty \(client id my-app\)/],
  ])(
    'refuses --app %j with exit code 2, never echoing the secret',
    async (spec, message) => {
      const emulator = start(['emulator', '--port', '0', '--app', spec]);
      expect(await emulator.exit).toEqual({ code: 2, signal: null });
      expect(emulator.stdout()).toBe('');
      expect(emulator.stderr()).toMatch(message);
      expect(emulator.stderr()).toMatch(/Run 'reactive-identity help' for usage/);
      expect(emulator.stderr()).not.toMatch(/TopSecr|Top|Secret/);
    },
    30_000,
  );
});
