import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Watches the files in which a developer tool keeps who is signed in (the Azure CLI's
 * `azureProfile.json`, azd's `config.json`, Az PowerShell's `AzureRmContext.json`), so that a
 * cached token never outlives the login it came from. The fingerprint is a one-way hash of their
 * contents, the same in every process; `onChange` runs when it changes (`az login` as someone
 * else, `az logout`, `az account set`). Watchers never keep the process alive, and a folder that
 * does not exist yet is simply not watched until `refresh()` finds it.
 */
export class AccountWatch {
  private current: string;
  private readonly watchers = new Map<string, FSWatcher>();
  private closed = false;

  constructor(
    private readonly files: readonly string[],
    private readonly onChange: (fingerprint: string) => void,
  ) {
    this.current = this.read();
  }

  /** The one-way fingerprint of the account files as last read. */
  get fingerprint(): string {
    return this.current;
  }

  /** Starts watching the folders that exist now (again after a tool created one). */
  refresh(): void {
    if (this.closed) return;
    for (const dir of new Set(this.files.map((file) => dirname(file)))) {
      if (this.watchers.has(dir)) continue;
      try {
        const names = new Set(this.files.filter((f) => dirname(f) === dir).map((f) => basename(f)));
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (name === null || names.has(String(name))) this.check();
        });
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, watcher);
      } catch {
        // Not there (yet): the tool has never signed in on this machine.
      }
    }
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private check(): void {
    const next = this.read();
    if (next === this.current) return;
    this.current = next;
    this.onChange(next);
  }

  private read(): string {
    const hash = createHash('sha256');
    for (const file of this.files) {
      hash.update(file).update('\0');
      try {
        hash.update(readFileSync(file));
      } catch {
        hash.update('absent');
      }
      hash.update('\0');
    }
    return hash.digest('hex').slice(0, 32);
  }
}
