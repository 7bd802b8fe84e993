import { createHash } from 'node:crypto';
import { readdir, readFile, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AbortError, ClosedError, InvalidArgumentError } from '../errors.js';
import { removeTemporaryFiles, writeFileAtomic } from './atomicWrite.js';
import { ensurePrivateDirectory } from './cacheDirectory.js';
import { CacheLockCompromisedError, describeError } from '../errors.js';
import {
  decrypt,
  encrypt,
  parseEncryptionKey,
  REACTIVE_IDENTITY_CACHE_KEY,
  type CacheEncryptionKey,
} from './encryption.js';
import {
  acquireFileLock,
  DEFAULT_LOCK_STALE_MS,
  DEFAULT_LOCK_WAIT_MS,
  withFileLock,
  type FileLockOptions,
} from './fileLock.js';

/** The entries of a store: JSON values by key. */
export type StoreEntries = Record<string, unknown>;

/** Options of a {@link LockedFileStore}. */
export interface LockedFileStoreOptions {
  /** The folder of the store; created with mode 0700 on first use. */
  directory: string;
  /** The store's name: its file is `<directory>/<name>.json`. Letters, digits, `.`, `_`, `-`. */
  name: string;
  /** 32 bytes (see `parseEncryptionKey`). Required unless `unsafeAllowUnencryptedStorage`. */
  encryptionKey?: CacheEncryptionKey;
  /** Keep the file as plain JSON when no key is given. Default false. */
  unsafeAllowUnencryptedStorage?: boolean;
  /**
   * A lock older than this is broken: the lock of a process killed while holding it is taken
   * over after `lockStaleMs`. Default 10 000; at least 2 000 (proper-lockfile's minimum).
   */
  lockStaleMs?: number;
  /** How long a contended lock is retried (with backoff) before a typed timeout. Default 30 000. */
  lockWaitMs?: number;
  /** Told about quarantined files and lost locks; the store never throws for those. */
  onWarning?: (message: string) => void;
}

const NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const LOCKS_FOLDER = 'locks';
const FORMAT_VERSION = 1;

/** A file's entries, or why it cannot be read (then `entries` is empty). */
interface Decoded {
  entries: StoreEntries;
  /** The decrypted text the entries came from, to skip writes that change nothing. */
  plaintext?: string;
  problem?: string;
}

/**
 * A JSON file of entries shared by every process of the user. Writes are read-modify-write under
 * a lock file and replace the file atomically, so unlocked reads always see a whole file. A file
 * that cannot be decrypted or parsed is moved aside (`<name>.json.corrupt-<n>`) and the store
 * starts empty. Encrypted with AES-256-GCM (the store's name authenticated) when given a key.
 *
 * @example
 * ```ts
 * const store = new LockedFileStore({ directory, name: 'app', encryptionKey });
 * await store.update((entries) => { entries.a = 1; });
 * await store.read(); // { a: 1 }
 * ```
 */
export class LockedFileStore {
  /** The store's file. */
  readonly path: string;
  readonly name: string;
  private readonly directory: string;
  private readonly key: Buffer | undefined;
  private readonly lockOptions: FileLockOptions;
  private readonly warn: (message: string) => void;
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  constructor(options: LockedFileStoreOptions) {
    if (!NAME_PATTERN.test(options.name))
      throw new InvalidArgumentError(
        'A cache store name may hold only letters, digits, ".", "_" and "-", and not start with ".".',
      );
    this.name = options.name;
    this.directory = options.directory;
    this.path = join(options.directory, `${options.name}.json`);
    this.key = resolveKey(options);
    this.warn = options.onWarning ?? (() => undefined);
    this.lockOptions = {
      lockStaleMs: options.lockStaleMs ?? DEFAULT_LOCK_STALE_MS,
      lockWaitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
      onWarning: this.warn,
    };
  }

  /** Whether the file is encrypted. */
  get encrypted(): boolean {
    return this.key !== undefined;
  }

  /** The entries as last written by any process; `{}` when there is no file or it was corrupt. */
  read(): Promise<StoreEntries> {
    return this.track(async () => {
      await this.ensureDirectory();
      const text = await readText(this.path);
      if (text === undefined) return {};
      const decoded = this.decode(text);
      return decoded.problem === undefined ? decoded.entries : this.recover();
    });
  }

  /**
   * Locks the file, reads it, lets `mutate` change the entries in place, writes them back
   * atomically when they changed, and releases the lock in `finally`. Rejects with
   * `CacheLockTimeoutError` when the lock cannot be had within `lockWaitMs`.
   */
  update(mutate: (entries: StoreEntries) => void | Promise<void>): Promise<void> {
    return this.track(async () => {
      await this.ensureDirectory();
      await withFileLock(this.path, this.lockOptions, async (lock) => {
        await removeTemporaryFiles(this.path);
        const { entries, plaintext } = await this.readLocked();
        await mutate(entries);
        const next = toPlaintext(entries);
        if (next === plaintext) return;
        if (lock.compromised)
          throw new CacheLockCompromisedError(`Lost the lock of ${this.path}; write abandoned.`);
        await writeFileAtomic(this.path, this.encode(next));
      });
    });
  }

  /**
   * Takes the cross-process lock of one key (separate from the file's lock, so the holder can
   * still update the store) and resolves to its release, which never rejects. A lock of a process
   * killed while holding it is broken after `lockStaleMs`. Once `signal` fires the wait stops and
   * resolves to a release that does nothing, without the lock. With `holdProcess: false` the wait
   * does not keep Node alive (for an owner that holds the process for its own waiting callers).
   */
  lockKey(
    key: string,
    wait: { signal?: AbortSignal; holdProcess?: boolean } = {},
  ): Promise<() => Promise<void>> {
    const { signal, holdProcess } = wait;
    return this.track(async () => {
      await this.ensureDirectory();
      const digest = createHash('sha256').update(`${this.name}\0${key}`).digest('hex');
      try {
        const lock = await acquireFileLock(join(this.directory, LOCKS_FOLDER, digest), {
          ...this.lockOptions,
          signal,
          holdProcess,
        });
        return () => lock.release();
      } catch (error) {
        if (signal?.aborted === true && error instanceof AbortError) return () => Promise.resolve();
        throw error;
      }
    });
  }

  /** Waits for the operations in flight; later calls reject with `ClosedError`. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.pending]);
  }

  private track<T>(run: () => Promise<T>): Promise<T> {
    if (this.closed)
      return Promise.reject(new ClosedError(`The cache store ${this.name} is closed.`));
    const promise = run();
    this.pending.add(promise);
    const forget = () => this.pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Checked on every operation (a few syscalls), so a removed directory is simply recreated. */
  private async ensureDirectory(): Promise<void> {
    await ensurePrivateDirectory(this.directory);
    await ensurePrivateDirectory(join(this.directory, LOCKS_FOLDER));
  }

  /** An unlocked read found a bad file: check again under the lock, and move it aside. */
  private async recover(): Promise<StoreEntries> {
    try {
      const { entries } = await withFileLock(this.path, this.lockOptions, () => this.readLocked());
      return entries;
    } catch (error) {
      this.warn(
        `The cache file ${this.path} is unreadable and could not be locked to move it aside ` +
          `(${describeError(error)}); reading it as empty.`,
      );
      return {};
    }
  }

  /** Reads under the lock, moving a bad file aside. */
  private async readLocked(): Promise<Decoded> {
    const text = await readText(this.path);
    if (text !== undefined) {
      const decoded = this.decode(text);
      if (decoded.problem === undefined) return decoded;
      await this.quarantine(decoded.problem);
    }
    return { entries: {}, plaintext: toPlaintext({}) };
  }

  private async quarantine(problem: string): Promise<void> {
    const prefix = `${basename(this.path)}.corrupt-`;
    const taken = (await readdir(this.directory))
      .filter((n) => n.startsWith(prefix))
      .map((n) => Number.parseInt(n.slice(prefix.length), 10))
      .filter(Number.isInteger);
    const aside = `${this.path}.corrupt-${Math.max(0, ...taken) + 1}`;
    await rename(this.path, aside);
    this.warn(`The cache file ${this.path} ${problem}; moved it to ${aside} and started empty.`);
  }

  private decode(text: string): Decoded {
    let plaintext = text;
    if (this.key !== undefined) {
      try {
        plaintext = decrypt(JSON.parse(text), this.key, this.name);
      } catch {
        return { entries: {}, problem: 'could not be decrypted (another key, or altered)' };
      }
    }
    try {
      const parsed: unknown = JSON.parse(plaintext);
      if (isStoreFile(parsed)) return { entries: parsed.entries, plaintext };
    } catch {
      // Reported below with the same words as a well-formed file of the wrong shape.
    }
    return { entries: {}, problem: 'is not a cache file of this version' };
  }

  private encode(plaintext: string): string {
    return this.key === undefined
      ? plaintext
      : JSON.stringify(encrypt(plaintext, this.key, this.name));
  }
}

function toPlaintext(entries: StoreEntries): string {
  return JSON.stringify({ v: FORMAT_VERSION, entries });
}

function resolveKey(options: LockedFileStoreOptions): Buffer | undefined {
  if (options.encryptionKey !== undefined) return parseEncryptionKey(options.encryptionKey);
  if (options.unsafeAllowUnencryptedStorage === true) return undefined;
  throw new InvalidArgumentError(
    `The token cache "${options.name}" would be stored unencrypted. Set the ` +
      `${REACTIVE_IDENTITY_CACHE_KEY} environment variable (or the encryptionKey option) to 32 ` +
      'bytes as base64 or 64 hex characters (e.g. `openssl rand -base64 32`), or opt in to ' +
      'plain files with unsafeAllowUnencryptedStorage: true.',
  );
}

function isStoreFile(value: unknown): value is { v: 1; entries: StoreEntries } {
  if (typeof value !== 'object' || value === null) return false;
  const { v, entries } = value as { v?: unknown; entries?: unknown };
  return (
    v === FORMAT_VERSION &&
    typeof entries === 'object' &&
    entries !== null &&
    !Array.isArray(entries)
  );
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
}
