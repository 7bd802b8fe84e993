/**
 * A real `redis-server` (the Debian package) for the Redis layer's tests: started on a free
 * loopback port in a temporary folder, without persistence, and stopped by pid. A machine without
 * the binary fails the test with a message naming the package, never skips it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import forge from 'node-forge';
import { freePort } from './freePort.js';

/** Where Debian installs it; PATH is searched too. */
const DEBIAN_BINARY = '/usr/bin/redis-server';
const READY = /Ready to accept connections/;
const START_BOUND_MS = 15_000;

/** The binary, or an error that says how to install it. */
export function redisServerBinary(): string {
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'redis-server'))
    .find((path) => existsSync(path));
  const binary = existsSync(DEBIAN_BINARY) ? DEBIAN_BINARY : onPath;
  if (binary === undefined)
    throw new Error(
      'redis-server is not installed. The Redis layer is tested against a real server: install ' +
        'the Debian package redis-server (apt-get install -y --no-install-recommends redis-server); ' +
        '.ci/run installs it when it is missing.',
    );
  return binary;
}

/** A running server. `kill`, `pause` and `restart` are the faults the tests inject. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`, or `rediss://` for a TLS server. */
  readonly url: string;
  /** A TLS server's certificate (self-signed, for 127.0.0.1): the CA its clients trust. */
  readonly certPem?: string;
  /** The current process's pid. */
  readonly pid: number;
  /** SIGKILL: the server vanishes mid-run (its data with it: nothing is saved). */
  kill(): Promise<void>;
  /** SIGSTOP: the server hangs (commands time out); `resume` sends SIGCONT. */
  pause(): void;
  resume(): void;
  /** Starts a new, empty server on the same port (after `kill` or `stop`). */
  restart(): Promise<void>;
  /** SIGTERM (SIGKILL if it lingers), then removes its folder. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` on a free loopback port with `extraArgs` (e.g. `--user ...`); with `tls`,
 * that port speaks TLS only, with a self-signed certificate for 127.0.0.1.
 */
export async function startRedisServer(
  extraArgs: string[] = [],
  options: { tls?: boolean } = {},
): Promise<RedisServer> {
  const binary = redisServerBinary();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ri-redis-'));
  const certPem = options.tls === true ? writeCertificate(dir) : undefined;
  const tlsArgs = ['--tls-auth-clients', 'no', '--tls-cert-file', join(dir, 'cert.pem')];
  const listen =
    certPem === undefined
      ? ['--port', String(port)]
      : [
          '--port',
          '0',
          '--tls-port',
          String(port),
          ...tlsArgs,
          '--tls-key-file',
          join(dir, 'key.pem'),
        ];
  const args = [...listen, ...extraArgs];
  let child = await launch(binary, dir, args);
  const server: RedisServer = {
    port,
    url: `${certPem === undefined ? 'redis' : 'rediss'}://127.0.0.1:${port}`,
    certPem,
    get pid() {
      return child.pid as number;
    },
    kill: () => end(child, 'SIGKILL'),
    pause: () => process.kill(child.pid as number, 'SIGSTOP'),
    resume: () => process.kill(child.pid as number, 'SIGCONT'),
    restart: async () => {
      await end(child, 'SIGKILL');
      child = await launch(binary, dir, args);
    },
    stop: async () => {
      await end(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** A self-signed certificate for 127.0.0.1 and its key, written to `dir`; returns the certificate. */
function writeCertificate(dir: string): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const subject = [{ name: 'commonName', value: '127.0.0.1' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  writeFileSync(join(dir, 'cert.pem'), certPem);
  writeFileSync(join(dir, 'key.pem'), keyPem, { mode: 0o600 });
  return certPem;
}

function launch(binary: string, dir: string, extraArgs: string[]): Promise<ChildProcess> {
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn(binary, [...args, '--dir', dir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      void end(child, 'SIGKILL');
      reject(new Error(`redis-server did not start within ${START_BOUND_MS} ms:\n${output}`));
    }, START_BOUND_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!READY.test(output)) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`));
    });
  });
}

/** Sends `signal` by pid (SIGCONT first, so a paused server can exit) and waits for the exit. */
async function end(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(child.pid, 'SIGCONT');
    process.kill(child.pid, signal);
  } catch {
    return;
  }
  const lingering = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null)
      process.kill(child.pid as number, 'SIGKILL');
  }, 5_000);
  await exited;
  clearTimeout(lingering);
}
