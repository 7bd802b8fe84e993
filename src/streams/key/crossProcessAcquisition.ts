import { concatMap, defer, finalize, Observable, of, switchMap } from 'rxjs';
import type { MaybePromise } from '../../cache/cacheLayer.js';
import type { CacheLookup, LayeredCache } from '../../cache/layeredCache.js';
import type { TokenRecord } from '../policy/refreshPolicy.js';
import { fromMaybe, once } from './tokenRecord.js';

/** What a cross-process acquisition needs from its key's stream. */
export interface CrossProcessSteps {
  /** Whether a token found in the cache may be taken instead of acquiring. */
  accepts(token: TokenRecord): boolean;
  /** Takes a token a layer (another process) had. */
  useCached(token: TokenRecord, layer: string): TokenRecord;
  /** Acquires from the credential (with its retries). */
  acquire(): Observable<TokenRecord>;
  /** The write of the token just acquired, which the lock waits for. */
  pendingWrite(): MaybePromise<void>;
  /** Read the cache before taking the lock (a refresh: the cache was not read since). */
  readFirst?: boolean;
}

/**
 * Acquires once per machine (and once per fleet with a distributed layer) when a layer is shared
 * across processes: takes the key's locks, reads the cache again (another process may have just
 * written a newer token), and acquires only if it has not. A refresh reads first, without a lock:
 * another machine has often refreshed already. The token goes out only once it is written for the
 * others and the lock is released, so a process that exits right after `getToken` never strands
 * the others on its lock. Without such a layer, or when the lock cannot be had in time, it simply
 * acquires.
 */
export function acquireAcrossProcesses(
  cache: LayeredCache,
  keyId: string,
  steps: CrossProcessSteps,
): Observable<TokenRecord> {
  if (!cache.sharedAcrossProcesses) return steps.acquire();
  const cached = (then: () => Observable<TokenRecord>) =>
    defer(() => fromMaybe(cache.get(keyId, steps.accepts))).pipe(
      switchMap((lookup: CacheLookup) =>
        lookup.token !== undefined && lookup.layer !== undefined
          ? of(steps.useCached(lookup.token, lookup.layer))
          : then(),
      ),
    );
  const locked = () =>
    lockOf(cache, keyId, steps.accepts).pipe(
      switchMap((release) =>
        cached(() => steps.acquire()).pipe(
          concatMap(async (token) => {
            await steps.pendingWrite();
            await release();
            return token;
          }),
          finalize(() => void release()),
        ),
      ),
    );
  return steps.readFirst === true ? cached(locked) : locked();
}

/**
 * The key's locks, owned by the subscription: unsubscribing while they are asked for (a claims
 * token during a refresh, the stream retiring, `close()`) aborts the wait, and a release that
 * still arrives is called at once, so no lock outlives the acquisition that wanted it.
 */
function lockOf(
  cache: LayeredCache,
  keyId: string,
  accepts: (token: TokenRecord) => boolean,
): Observable<() => Promise<void>> {
  return new Observable((subscriber) => {
    const abort = new AbortController();
    let settled = false;
    cache.lockForAcquisition(keyId, accepts, abort.signal).then(
      (lock) => {
        settled = true;
        const release = once(lock);
        if (subscriber.closed) return void release();
        subscriber.next(release);
        subscriber.complete();
      },
      (error: unknown) => {
        settled = true;
        subscriber.error(error);
      },
    );
    return () => {
      if (!settled) abort.abort();
    };
  });
}
