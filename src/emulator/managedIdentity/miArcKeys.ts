/**
 * Azure Arc's challenge keys: a random secret written to a fresh `<random>.key` file (mode 0600)
 * whose path the 401 names; the client proves it can read the file by sending its content.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { constantTimeEquals } from '../state/directory.js';

/** How long a key is valid after its challenge, ms (of the injected clock). */
const KEY_LIFETIME_MS = 60_000;

interface IssuedKey {
  path: string;
  secret: string;
  expiresAt: number;
}

/** Issues and redeems Arc challenge keys; each is single-use and valid for 60 s. */
export class ArcKeyStore {
  private keys: IssuedKey[] = [];
  private realmOverride: string | undefined;

  constructor(
    readonly directory: string,
    private readonly now: () => number,
  ) {}

  /** Makes the next challenge name `path` (no file is written). */
  overrideNextRealm(path: string): void {
    this.realmOverride = path;
  }

  /** Writes a fresh key file and returns its path: the realm of the 401 challenge. */
  async challenge(): Promise<string> {
    const override = this.realmOverride;
    if (override !== undefined) {
      this.realmOverride = undefined;
      return override;
    }
    const path = join(this.directory, `${randomBytes(8).toString('hex')}.key`);
    const secret = randomBytes(32).toString('hex');
    await writeFile(path, secret, { mode: 0o600, flag: 'wx' });
    this.keys.push({ path, secret, expiresAt: this.now() + KEY_LIFETIME_MS });
    return path;
  }

  /**
   * Whether `presented` is the content of a live key; a key is deleted (file included) when
   * redeemed. Expired keys are dropped.
   */
  async redeem(presented: string): Promise<boolean> {
    const now = this.now();
    const expired = this.keys.filter((key) => key.expiresAt <= now);
    this.keys = this.keys.filter((key) => key.expiresAt > now);
    await Promise.all(expired.map((key) => rm(key.path, { force: true })));
    const match = this.keys.find((key) => constantTimeEquals(key.secret, presented));
    if (!match) return false;
    this.keys = this.keys.filter((key) => key !== match);
    await rm(match.path, { force: true });
    return true;
  }

  /** Deletes every key file still on disk. */
  async clear(): Promise<void> {
    const keys = this.keys;
    this.keys = [];
    await Promise.all(keys.map((key) => rm(key.path, { force: true })));
  }
}
