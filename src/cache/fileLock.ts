import type Lockfile from 'proper-lockfile';
import { AbortError, CacheLockTimeoutError, describeError } from '../errors.js';

/**
 * A lock older than this (by its mtime, which the holder refreshes every `lockStaleMs / 2`) is
 * taken for the lock of a dead process and broken. Default 10 s.
 */
export const DEFAULT_LOCK_STALE_MS = 10_000;
/** The smallest `lockStaleMs` proper-lockfile honours; smaller values are raised to it. */
export const MIN_LOCK_STALE_MS = 2_000;
/** How long a contended lock is retried before {@link CacheLockTimeoutError}. Default 30 s. */
export const DEFAULT_LOCK_WAIT_MS = 30_000;

// Exponential backoff between attempts, randomised (x1..x2) so waiters do not poll in step.
const RETRY_MIN_MS = 5;
const RETRY_MAX_MS = 100;

/** How a lock is taken. */
export interface FileLockOptions {
  /** See {@link DEFAULT_LOCK_STALE_MS}. */
  lockStaleMs: number;
  /** See {@link DEFAULT_LOCK_WAIT_MS}; 0 tries once. */
  lockWaitMs: number;
  /**
   * Reports what goes wrong with a held lock without failing the caller: the lock was lost while
   * held (it could not be refreshed within `lockStaleMs`, e.g. a blocked event loop, so another
   * process may have broken it), or it could not be removed (others break it once stale).
   */
  onWarning: (message: string) => void;
  /**
   * Stops the wait: the lock is not taken and the call rejects with `AbortError`. A lock already
   * taken when it fires is still handed over (and must be released).
   */
  signal?: AbortSignal;
  /**
   * Whether the waits between attempts keep Node alive. Default true: a write in flight must land
   * before the process exits. An acquisition's key lock passes false: its caller's own wait holds
   * the process, and a background refresh must not.
   */
  holdProcess?: boolean;
}

/** A lock this process holds. */
export interface HeldLock {
  /** Whether the lock was lost while held; a guarded write must then be abandoned. */
  readonly compromised: boolean;
  /**
   * Releases the lock. Never rejects: a failure is reported through `onWarning`. A second call,
   * or a release after the lock was lost, does nothing.
   */
  release(): Promise<void>;
}

/**
 * Takes the lock of `target` (a directory `<target>.lock`, created atomically with `mkdir`),
 * retrying contention with backoff for up to `lockWaitMs`, then rejecting with
 * {@link CacheLockTimeoutError}. `target` itself need not exist; its folder must.
 *
 * @example
 * ```ts
 * const lock = await acquireFileLock(path, { lockStaleMs: 10_000, lockWaitMs: 30_000, onWarning });
 * try { ... } finally { await lock.release(); }
 * ```
 */
export async function acquireFileLock(target: string, options: FileLockOptions): Promise<HeldLock> {
  const state = { compromised: false, released: false };
  const lockfile = await loadLockfile();
  const attempt = () =>
    lockfile.lock(target, {
      realpath: false,
      stale: Math.max(options.lockStaleMs, MIN_LOCK_STALE_MS),
      retries: 0,
      onCompromised: () => {
        state.compromised = true;
        options.onWarning(
          `Lost the lock of ${target} while holding it (not refreshed within lockStaleMs); ` +
            'another process may have taken it.',
        );
      },
    });
  const release = await retryWhileLocked(attempt, target, options);
  return {
    get compromised() {
      return state.compromised;
    },
    async release() {
      if (state.released || state.compromised) return;
      state.released = true;
      await release().catch((error: unknown) =>
        options.onWarning(
          `Could not release the lock of ${target} (${describeError(error)}); ` +
            'other processes break it once it is stale.',
        ),
      );
    },
  };
}

/**
 * Runs `fn` holding the lock of `target`, releasing it in `finally` whatever `fn` does.
 *
 * @example
 * ```ts
 * await withFileLock(path, options, async (lock) => { ...read, mutate, write unless lock.compromised });
 * ```
 */
export async function withFileLock<T>(
  target: string,
  options: FileLockOptions,
  fn: (lock: HeldLock) => Promise<T>,
): Promise<T> {
  const lock = await acquireFileLock(target, options);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}

/**
 * proper-lockfile (with graceful-fs, retry, and signal-exit, which hooks the process's exit) is
 * loaded with the first lock: only a persistent cache takes locks, so a process without one never
 * loads it.
 */
async function loadLockfile(): Promise<typeof Lockfile> {
  return (await import('proper-lockfile')).default;
}

/**
 * Tries `attempt` until it gets the lock: while another process holds it (ELOCKED), again after a
 * randomised exponential backoff, for up to `lockWaitMs`, then {@link CacheLockTimeoutError};
 * any other error at once; {@link AbortError} once `signal` fires.
 */
async function retryWhileLocked<T>(
  attempt: () => Promise<T>,
  target: string,
  options: FileLockOptions,
): Promise<T> {
  const deadline = Date.now() + Math.max(0, options.lockWaitMs);
  for (let failures = 0; ; failures++) {
    if (options.signal?.aborted === true) throw aborted(target);
    try {
      return await attempt();
    } catch (error) {
      if ((error as { code?: unknown } | undefined)?.code !== 'ELOCKED') throw error;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new CacheLockTimeoutError(
          `The lock of ${target} was held by another process for more than ${options.lockWaitMs} ms.`,
          { cause: error },
        );
      const backoff = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** failures * (1 + Math.random()));
      await pause(Math.min(left, backoff), options);
    }
  }
}

/** Waits `ms` (on a timer that holds Node only with `holdProcess`), or until `signal` fires. */
function pause(ms: number, options: FileLockOptions): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (options.holdProcess === false) timer.unref();
    options.signal?.addEventListener('abort', done, { once: true });
  });
}

function aborted(target: string): AbortError {
  return new AbortError(`Stopped waiting for the lock of ${target}: the wait was cancelled.`);
}
