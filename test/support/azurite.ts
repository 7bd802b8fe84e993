import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './freePort.js';

/** TLS material for Azurite's HTTPS listener. */
export interface AzuriteOptions {
  /** PEM server certificate (it must be valid for IP 127.0.0.1). */
  certPem: string;
  /** PEM private key matching `certPem`. */
  keyPem: string;
}

/** A running Azurite blob service. */
export interface Azurite {
  /** Account URL, `https://127.0.0.1:<port>/devstoreaccount1`. */
  blobUrl: string;
  /** Process id of the Azurite child process. */
  pid: number;
  /** Stops the process (SIGTERM, then SIGKILL) and removes its temp dir; safe to call twice. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const ACCOUNT = 'devstoreaccount1';
const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 3_000;
const READY_PATTERN = /successfully listens on/i;
const MAX_LOG_CHARS = 16_000;

/**
 * Starts Azurite's blob service over HTTPS with basic OAuth on 127.0.0.1, with telemetry
 * disabled and in-memory persistence, and resolves once it is listening.
 *
 * @param options - Server certificate and key in PEM form.
 * @returns The running service; call {@link Azurite.stop} when done.
 * @throws If Azurite exits or is not listening within 20 s (the child is killed first).
 */
export async function startAzurite(options: AzuriteOptions): Promise<Azurite> {
  const dir = await mkdtemp(path.join(tmpdir(), 'azurite-'));
  try {
    const port = await freePort(HOST);
    const args = await azuriteArgs(dir, port, options);
    // No --location: Azurite refuses it together with --inMemoryPersistence; cwd catches strays.
    const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForListening(child).catch(async (error: unknown) => {
      await terminate(child);
      throw error;
    });
    return runningAzurite(child, port, dir);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Writes the TLS files into `dir` and builds the node argument list for the blob entry. */
async function azuriteArgs(dir: string, port: number, options: AzuriteOptions): Promise<string[]> {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  await writeFile(cert, options.certPem, { mode: 0o600 });
  await writeFile(key, options.keyPem, { mode: 0o600 });
  return [
    await blobEntryScript(),
    ...['--blobHost', HOST, '--blobPort', String(port), '--oauth', 'basic'],
    ...['--cert', cert, '--key', key],
    ...['--disableTelemetry', '--skipApiVersionCheck', '--inMemoryPersistence'],
  ];
}

/** Resolves the `azurite-blob` bin script from the installed azurite package. */
async function blobEntryScript(): Promise<string> {
  const manifestPath = createRequire(import.meta.url).resolve('azurite/package.json');
  const manifest: unknown = JSON.parse(await readFile(manifestPath, 'utf8'));
  const bin = isRecord(manifest) && isRecord(manifest.bin) ? manifest.bin['azurite-blob'] : null;
  if (typeof bin !== 'string') {
    throw new Error(`No azurite-blob bin in ${manifestPath}`);
  }
  return path.resolve(path.dirname(manifestPath), bin);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Resolves when the child prints its listening line; rejects on exit, error or timeout. */
function waitForListening(child: ChildProcess): Promise<void> {
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  const describe = (): string => `stderr: ${stderr.text() || '<empty>'}; stdout: ${stdout.text()}`;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      finish(new Error(`Azurite not listening after ${START_TIMEOUT_MS} ms; ${describe()}`));
    }, START_TIMEOUT_MS);
    const onData = (): void => (READY_PATTERN.test(stdout.text()) ? finish() : undefined);
    const onExit = (code: number | null, signal: string | null): void =>
      finish(new Error(`Azurite exited (code ${code}, signal ${signal}); ${describe()}`));
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('close', onExit).off('error', finish);
      return error ? reject(error) : resolve();
    };
    child.stdout?.on('data', onData);
    child.once('close', onExit).once('error', finish);
  });
}

/** Keeps draining a stream (so the child never blocks on a full pipe) and keeps its tail. */
function collect(stream: NodeJS.ReadableStream | null): { text(): string } {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    text = (text + chunk).slice(-MAX_LOG_CHARS);
  });
  return { text: () => text.trim() };
}

function runningAzurite(child: ChildProcess, port: number, dir: string): Azurite {
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error('Azurite child has no pid');
  }
  let stopping: Promise<void> | undefined;
  return {
    blobUrl: `https://${HOST}:${port}/${ACCOUNT}`,
    pid,
    stop: () => {
      stopping ??= terminate(child).then(() => rm(dir, { recursive: true, force: true }));
      return stopping;
    },
  };
}

/** Sends SIGTERM by pid, escalates to SIGKILL after a grace period, and awaits the exit. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const pid = child.pid;
  const exited = once(child, 'exit');
  signal(pid, 'SIGTERM');
  const timer = setTimeout(() => signal(pid, 'SIGKILL'), STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** `process.kill` that ignores a process which is already gone. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (!(isRecord(error) && error.code === 'ESRCH')) {
      throw error;
    }
  }
}
