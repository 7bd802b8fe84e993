import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import type { Environment } from '../base/authorityHost.js';
import { envValue } from './findExecutable.js';

/** One run of a developer CLI: an absolute executable, its arguments, and the child's environment. */
export interface CliCommand {
  file: string;
  args: readonly string[];
  env: Environment;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** How a run ended. Only `exited` carries output; the others are decided by the caller. */
export type CliOutcome =
  | { kind: 'exited'; exitCode: number; stdout: string; stderr: string }
  | { kind: 'not-found' }
  | { kind: 'timed-out' }
  | { kind: 'aborted' };

const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;
// cmd.exe would interpret these even inside quotes; validated arguments never hold them.
const CMD_UNSAFE = /["%^&|<>!\r\n]/;

/**
 * Runs a CLI without a shell, in a folder that cannot hold a planted executable (`/bin`, or
 * `%SystemRoot%`), stopping it after `timeoutMs`. On POSIX the child leads its own process group
 * and a stopped child's whole group is killed, so a grandchild (az is a script that starts Python)
 * cannot hold the pipes open and keep the caller waiting past the timeout. This is `spawn` with
 * an argument array rather than `execFile`, because `execFile` does not pass `detached` on.
 */
export function runCli(command: CliCommand): Promise<CliOutcome> {
  const windows = process.platform === 'win32';
  const invocation = windows
    ? windowsInvocation(command.file, command.args, command.env)
    : { file: command.file, args: [...command.args], verbatim: false };
  // Our own deadline rather than spawn's `timeout`, whose timer outlives a spawn that failed.
  const deadline = AbortSignal.timeout(command.timeoutMs);
  const signal = command.signal ? AbortSignal.any([command.signal, deadline]) : deadline;
  return new Promise((resolve) => {
    const child = spawn(invocation.file, invocation.args, {
      cwd: safeWorkingDirectory(process.platform, command.env),
      env: { ...command.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      killSignal: 'SIGKILL',
      signal,
      windowsHide: true,
      windowsVerbatimArguments: invocation.verbatim,
      detached: !windows,
    });
    const output = collectOutput(child);
    let settled = false;
    const settle = (outcome: CliOutcome): void => {
      if (!settled) resolve(outcome);
      settled = true;
    };
    child.once('error', (error: NodeJS.ErrnoException) =>
      settle(spawnFailure(error, deadline.aborted)),
    );
    child.once('exit', (_code, exitSignal) => {
      if (!windows && exitSignal !== null) killGroup(child);
    });
    child.once('close', (code) => {
      const overflowed = output.overflow ? `output over ${MAX_OUTPUT_CHARS} characters` : '';
      const { stdout, stderr } = output;
      settle({ kind: 'exited', exitCode: code ?? -1, stdout, stderr: stderr || overflowed });
    });
  });
}

/** Collects stdout and stderr as text, stopping the child if it prints more than a CLI should. */
function collectOutput(child: ChildProcess): { stdout: string; stderr: string; overflow: boolean } {
  const output = { stdout: '', stderr: '', overflow: false };
  for (const name of ['stdout', 'stderr'] as const) {
    child[name]?.setEncoding('utf8');
    child[name]?.on('data', (chunk: string) => {
      output[name] += chunk;
      if (output[name].length <= MAX_OUTPUT_CHARS || output.overflow) return;
      output.overflow = true;
      child.kill('SIGKILL');
    });
  }
  return output;
}

function spawnFailure(error: NodeJS.ErrnoException, timedOut: boolean): CliOutcome {
  if (error.name === 'AbortError') return { kind: timedOut ? 'timed-out' : 'aborted' };
  if (error.code === 'ENOENT') return { kind: 'not-found' };
  return { kind: 'exited', exitCode: -1, stdout: '', stderr: error.message };
}

/** `/bin` on POSIX; `%SystemRoot%` (else `C:\Windows`) on Windows. */
export function safeWorkingDirectory(platform: NodeJS.Platform, env: Environment): string {
  if (platform !== 'win32') return '/bin';
  return envValue(env, 'SystemRoot', platform) ?? 'C:\\Windows';
}

/**
 * Windows cannot start a `.cmd` or `.bat` file (az is `az.cmd`) without `cmd.exe`; this builds
 * that call with every argument quoted, after refusing anything cmd.exe would still interpret.
 * Executables run directly.
 */
export function windowsInvocation(
  file: string,
  args: readonly string[],
  env: Environment,
): { file: string; args: string[]; verbatim: boolean } {
  if (!/\.(cmd|bat)$/i.test(file)) return { file, args: [...args], verbatim: false };
  const unsafe = [file, ...args].find((part) => CMD_UNSAFE.test(part));
  if (unsafe !== undefined) {
    throw new InvalidArgumentError(
      `Refusing to pass ${JSON.stringify(unsafe)} to cmd.exe: it holds characters cmd.exe interprets.`,
    );
  }
  const shell =
    envValue(env, 'ComSpec', 'win32') ??
    path.win32.join(safeWorkingDirectory('win32', env), 'System32', 'cmd.exe');
  const line = [file, ...args].map((part) => `"${part}"`).join(' ');
  return { file: shell, args: ['/d', '/s', '/c', `"${line}"`], verbatim: true };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}
