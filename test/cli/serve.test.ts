import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DEMO_STREAMS } from '../../src/cli/demoWorkload.js';
import { parseServeArgs } from '../../src/cli/serveArgs.js';
import { runServe } from '../../src/cli/serveCommand.js';
import { duration, renderStatusTable } from '../../src/cli/statusTable.js';
import { createServer } from 'node:net';
import { freePort } from '../support/freePort.js';
import { until } from '../support/until.js';
import { readSidecarEnv } from './sidecarEnvFile.js';
import { send } from '../service/sidecarHarness.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ri-serve-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runServe on the embedded emulator', () => {
  it('serves the sidecar, /metrics, the dashboard and the demo streams, and stops cleanly', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const controller = new AbortController();
    const envFile = join(dir, 'sidecar.env');
    const config = parseServeArgs([
      '--port',
      '0',
      '--interval',
      '20',
      '--sidecar-env',
      envFile,
      '--scope',
      'https://vault.azure.net/.default',
    ]);
    let url = '';
    const running = runServe(config, {
      signal: controller.signal,
      out,
      err: new PassThrough(),
      env: {},
      onListening: (u) => (url = u),
    });
    let settled = false;
    void running.finally(() => (settled = true)).catch(() => undefined);
    try {
      await until(() => url !== '' || settled, 'the server to listen');
      if (url === '') await running;
      const port = Number(new URL(url).port);
      const env = readSidecarEnv(envFile);
      expect(env.IDENTITY_ENDPOINT).toBe(`http://127.0.0.1:${port}/msi/token`);
      expect(statSync(envFile).mode & 0o777).toBe(0o600);
      const token = await send(
        port,
        '/msi/token?resource=https://vault.azure.net&api-version=2019-08-01',
        { headers: { 'X-IDENTITY-HEADER': env.IDENTITY_HEADER! } },
      );
      expect(token.status).toBe(200);
      const metrics = await send(port, '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('reactive_identity_');
      const page = await send(port, '/');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(await send(port, '/readyz')).toMatchObject({ status: 200 });
      const freshRows = () =>
        (text.split('KEY').pop() ?? '').split('\n').filter((l) => / fresh /.test(l)).length;
      await until(() => freshRows() >= DEMO_STREAMS.length, 'the demo streams to be fresh');
      expect(text).toContain(`Dashboard        ${url}/`);
      expect(text).toContain(`env $(cat ${envFile}) your-app`);
      expect(text).toContain('https://storage.azure.com/.default (CAE)');
      expect(text).not.toContain(env.IDENTITY_HEADER!);
    } finally {
      controller.abort();
    }
    await expect(running).resolves.toBe(0);
    expect(text.trimEnd().endsWith('Stopped cleanly.')).toBe(true);
    // The secret dies with the process: the sidecar-env file is gone.
    expect(existsSync(envFile)).toBe(false);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]+\./);
  });
});

describe('runServe refusals', () => {
  it('refuses an identity header file others can read, before anything starts', async () => {
    const file = join(dir, 'secret');
    writeFileSync(file, 'a-long-enough-secret-value\n');
    chmodSync(file, 0o644);
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const config = parseServeArgs(['--port', '0', '--identity-header-file', file]);
    const io = { signal: new AbortController().signal, out, err: out, env: {} };
    await expect(runServe(config, io)).rejects.toMatchObject({
      name: 'UsageError',
      exitCode: 2,
      message: expect.stringMatching(/mode 644 lets other users read or change the secret/),
    });
    expect(text).toBe('');
  });
});

describe('runServe start-up failures', () => {
  const io = () => {
    const out = new PassThrough();
    return { signal: new AbortController().signal, out, err: out, env: {} };
  };

  it('says the port is taken and how to pick another', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const config = parseServeArgs(['--port', String(port), '--credential', 'environment']);
      await expect(runServe(config, io())).rejects.toThrow(
        `127.0.0.1:${port} is already in use (another reactive-identity serve?). Pass --port <n>, or --port 0 for a free port.`,
      );
    } finally {
      blocker.close();
    }
  });

  it('refuses to be its own managed identity endpoint', async () => {
    const port = await freePort();
    const config = parseServeArgs(['--port', String(port), '--credential', 'managed-identity']);
    const env = { IDENTITY_ENDPOINT: `http://127.0.0.1:${port}/msi/token`, IDENTITY_HEADER: 'x' };
    await expect(runServe(config, { ...io(), env })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/is this sidecar itself/),
    });
  });
});

describe('renderStatusTable', () => {
  it('shows each key with its state, expiry, next refresh and counts', () => {
    const now = 1_000_000;
    const table = renderStatusTable(
      [
        {
          key: 'k',
          credential: 'ClientSecretCredential',
          identity: 'i1',
          scopes: ['https://vault.azure.net/.default'],
          enableCae: true,
          state: 'retrying',
          expiresOnTimestamp: now + 65_000,
          nextRefreshAt: now + 5_000,
          acquisitions: 3,
          cacheHits: 12,
          failures: 1,
          subscribers: 1,
          lastError: { code: 'ERR_AUTHENTICATION_FAILED', message: 'x' },
        },
      ],
      now,
    );
    const [header, , row] = table.split('\n');
    expect(header).toMatch(
      /^KEY\s+STATE\s+EXPIRES IN\s+NEXT REFRESH\s+ACQUIRED\s+CACHE HITS\s+LAST ERROR$/,
    );
    expect(row).toMatch(
      /^https:\/\/vault\.azure\.net\/\.default \(CAE\)\s+retrying\s+1m 05s\s+in 5s\s+3\s+12\s+ERR_AUTHENTICATION_FAILED$/,
    );
  });

  it.each([
    [0, 'expired'],
    [-5, 'expired'],
    [42_000, '42s'],
    [125_000, '2m 05s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });
});
