import { defer, finalize, type Observable } from 'rxjs';

/**
 * Who waits for each key's token: `getToken` callers still waiting and `token$` subscribers. The
 * engine keeps a key's acquisition running after its last caller leaves (the key stays warm), but
 * a step that needs the user (a sign-in prompt) has nobody to show it to then: {@link signal}
 * tells it so.
 */
export class WaitingCallers {
  private readonly keys = new Map<string, { count: number; gone: AbortController }>();

  /** `source`, counted as one caller waiting for `keyId` while it is subscribed. */
  track<T>(keyId: string, source: Observable<T>): Observable<T> {
    return defer(() => {
      let entry = this.keys.get(keyId);
      if (entry === undefined) {
        entry = { count: 0, gone: new AbortController() };
        this.keys.set(keyId, entry);
      }
      entry.count++;
      const joined = entry;
      return source.pipe(finalize(() => this.leave(keyId, joined)));
    });
  }

  /**
   * Fires once `keyId` has no waiting caller: at once when it has none now (a timer-driven
   * refresh), else when the last of those waiting now leaves, even if others come later.
   */
  signal(keyId: string): AbortSignal {
    return this.keys.get(keyId)?.gone.signal ?? AbortSignal.abort();
  }

  private leave(keyId: string, entry: { count: number; gone: AbortController }): void {
    entry.count--;
    if (entry.count > 0) return;
    if (this.keys.get(keyId) === entry) this.keys.delete(keyId);
    entry.gone.abort();
  }
}
