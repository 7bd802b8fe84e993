import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { makeClientCertificate, type TestCertificate } from '../support/certificates.js';

/**
 * What a fresh process loads, shown on the built library: @azure/msal-node (and jsonwebtoken, its
 * dependency) only at the first acquisition through MSAL, node-forge (the PKCS#12 parser) only
 * once a credential reads a PKCS#12 file, jose only once a client assertion is signed,
 * proper-lockfile only for a persistent cache; none of them on import; and nothing that patches
 * the global Reflect.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORKER = join(ROOT, 'test', 'support', 'dependencyWorker.mjs');
const APP = 'de9de9de-0000-4000-8000-0000000000de';
const SCOPE = 'https://storage.azure.com/.default';
const PASSWORD = 'lazy-pfx~password';
const CHILD_DEADLINE_MS = 20_000;
const NEVER = ['@peculiar/x509', 'reflect-metadata', 'tsyringe'];

let em: Emulator;
let dir: string;
let cert: TestCertificate;

beforeAll(async () => {
  try {
    statSync(join(ROOT, 'dist', 'esm', 'index.js'));
    statSync(join(ROOT, 'dist', 'commonjs', 'index.js'));
  } catch {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  }
  cert = makeClientCertificate('lazy dependencies');
  em = await startEmulator({ apps: [{ clientId: APP, certificates: [cert.certPem] }] });
  dir = mkdtempSync(join(tmpdir(), 'ri-lazy-'));
}, 60_000);

afterAll(async () => {
  await em.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Loaded {
  atImport: string[];
  afterConstruct: string[];
  afterToken: string[];
  reflectPatched: boolean;
}

function runChild(format: 'esm' | 'commonjs', source: object, getToken: boolean): Promise<Loaded> {
  const config = {
    format,
    source,
    getToken,
    authorityHost: em.url,
    ca: em.ca,
    tenantId: em.tenantId,
    clientId: APP,
    scope: SCOPE,
  };
  const env = { PATH: process.env.PATH ?? '', WORKER_CONFIG: JSON.stringify(config) };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [WORKER],
      { env, timeout: CHILD_DEADLINE_MS, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`the child failed: ${stderr}`, { cause: error }));
        else resolve(JSON.parse(stdout) as Loaded);
      },
    );
  });
}

describe.each(['esm', 'commonjs'] as const)('the %s build', (format) => {
  it('loads no node-forge for a PEM certificate, from import to first token', async () => {
    const path = join(dir, `${format}.pem`);
    writeFileSync(path, cert.combinedPem);
    const loaded = await runChild(format, { certificatePath: path }, true);
    expect(loaded.afterToken).not.toContain('node-forge');
    for (const name of NEVER) expect(loaded.afterToken).not.toContain(name);
    expect(loaded.reflectPatched).toBe(false);
  });

  it('loads node-forge when the certificate is read from a PKCS#12 file, not before', async () => {
    const path = join(dir, `${format}.pfx`);
    writeFileSync(path, cert.pfx(PASSWORD));
    const source = { certificatePath: path, certificatePassword: PASSWORD };
    const loaded = await runChild(format, source, true);
    expect(loaded.afterConstruct).not.toContain('node-forge');
    expect(loaded.afterToken).toContain('node-forge');
  });

  // The worker sees ES modules through loader hooks and CommonJS ones in require.cache, so jose
  // (ESM, required by the CommonJS build) and msal-node (ESM or CommonJS) show in both builds.
  it('loads jose with the first client assertion, not on import', async () => {
    const path = join(dir, `${format}-jose.pem`);
    writeFileSync(path, cert.combinedPem);
    const loaded = await runChild(format, { certificatePath: path }, true);
    expect(loaded.atImport).not.toContain('jose');
    expect(loaded.afterConstruct).not.toContain('jose');
    expect(loaded.afterToken).toContain('jose');
  });

  it('loads @azure/msal-node at the first acquisition, not on import or construction', async () => {
    const path = join(dir, `${format}-msal.pem`);
    writeFileSync(path, cert.combinedPem);
    const loaded = await runChild(format, { certificatePath: path }, true);
    for (const name of ['@azure/msal-node', 'jsonwebtoken', 'proper-lockfile']) {
      expect(loaded.atImport).not.toContain(name);
      expect(loaded.afterConstruct).not.toContain(name);
    }
    expect(loaded.afterToken).toContain('@azure/msal-node');
    // No persistent cache: the file lock is never needed.
    expect(loaded.afterToken).not.toContain('proper-lockfile');
  });
});
