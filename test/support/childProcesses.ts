/**
 * For the `*.processes.test.ts` files: the built library their workers load, and the worker
 * processes themselves, killed by pid at teardown so a failing test never leaves one running.
 */
import {
  execFile,
  execFileSync,
  type ChildProcess,
  type ExecFileException,
} from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/**
 * Builds the library (`scripts/build.mjs`) when one of `outputs` is missing or, with `sources`,
 * older than the newest of them. Paths are relative to the repository root. Type errors elsewhere
 * in the tree fail the build while tsc still emits: that counts as built if every output exists.
 */
export function ensureBuilt(outputs: string[], sources: string[] = []): void {
  const built = outputs.map((path) => join(ROOT, path));
  const missing = () => built.some((path) => !existsSync(path));
  if (!missing()) {
    if (sources.length === 0) return;
    const oldest = Math.min(...built.map((path) => statSync(path).mtimeMs));
    if (oldest >= Math.max(...sources.map((path) => newestMtime(join(ROOT, path))))) return;
  }
  try {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  } catch (error) {
    if (missing()) throw error;
  }
}

/** The child processes a test file starts; `killAll` (in `afterAll`) kills those still running. */
export class ChildProcesses {
  readonly #children = new Set<ChildProcess>();

  /** Tracks `child` until it exits; returns it. */
  track<T extends ChildProcess>(child: T): T {
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  /** Sends SIGKILL, by pid, to every tracked child that has not exited. */
  killAll(): void {
    for (const child of this.#children) {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.#children.clear();
  }
}

/** How a Node script ended: its exit error (null when it exited 0) and what it printed. */
export interface NodeRun {
  error: ExecFileException | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `script` in a fresh Node process with exactly `env`, killed with `killSignal` (default
 * SIGTERM) after `timeoutMs`, and tracked by `children` while it runs.
 */
export function runNode(
  script: string,
  options: { env: NodeJS.ProcessEnv; timeoutMs: number; killSignal?: NodeJS.Signals },
  children: ChildProcesses,
): Promise<NodeRun> {
  return new Promise((resolve) => {
    children.track(
      execFile(
        process.execPath,
        [script],
        {
          env: options.env,
          timeout: options.timeoutMs,
          killSignal: options.killSignal ?? 'SIGTERM',
        },
        (error, stdout, stderr) => resolve({ error, stdout, stderr }),
      ),
    );
  });
}
