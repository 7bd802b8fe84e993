import type { AccessToken } from '@azure/core-auth';
import { Observable, type MonoTypeOperatorFunction, type ObservableInput } from 'rxjs';
import type { AcquireRequest } from './instrumentedAttempt.js';
import type { CredentialIdentity } from './streamKey.js';

/** How a credential plugs into the engine: who it is and how to acquire one token, cold. */
export interface CredentialBinding {
  identity: CredentialIdentity;
  acquire(request: AcquireRequest): ObservableInput<AccessToken>;
}

/** How a waiting credential answers a call anew after a rebind (see `StreamHolder`). */
export const reissueAfterRebind: unique symbol = Symbol('reactive-identity.reissueAfterRebind');

/**
 * Keeps `owner` reachable while a subscription lives. The registry holds credentials weakly, so
 * what waits on one (a caller, a `token$` subscriber) holds it this way: it acquires for them.
 */
export function heldBy<T>(owner: object): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const hold: { owner?: object } = { owner };
      subscriber.add(() => delete hold.owner);
      return source.subscribe(subscriber);
    });
}

interface Entry {
  id: string;
  ref: WeakRef<CredentialBinding>;
}

/**
 * The live credential instances of an engine, by identity: instances with one identity share
 * streams, and the first one still attached acquires for all of them. Also hands out the opaque
 * identity references (`i1`, `i2`...) that events and snapshots carry instead of the identity.
 *
 * Instances are held weakly: users of `@azure/identity` never call `close()` and often build a
 * credential per request, so an instance nobody references is collected and detached here, and
 * `onIdentityGone` hears when that left its identity without a live instance. While a caller waits
 * on an instance, the instance itself keeps it reachable (see `ReactiveCredential`).
 */
export class CredentialRegistry {
  /** Per identity, in attach order (the first live one acquires). */
  private readonly bindings = new Map<string, Set<WeakRef<CredentialBinding>>>();
  private readonly entries = new WeakMap<CredentialBinding, Entry>();
  private readonly collected: FinalizationRegistry<Entry>;
  private readonly refs = new Map<string, string>();

  constructor(private readonly onIdentityGone: (identityId: string) => void = () => undefined) {
    // The held entry refers to the binding weakly only, so that it never keeps it alive.
    this.collected = new FinalizationRegistry((entry) => {
      if (this.remove(entry)) this.onIdentityGone(entry.id);
    });
  }

  attach(binding: CredentialBinding): void {
    const entry: Entry = { id: binding.identity.id, ref: new WeakRef(binding) };
    const live = this.bindings.get(entry.id);
    if (live === undefined) this.bindings.set(entry.id, new Set([entry.ref]));
    else live.add(entry.ref);
    this.entries.set(binding, entry);
    this.collected.register(binding, entry, entry.ref);
  }

  /** Detaches an instance; true when no live instance of its identity is left. */
  detach(binding: CredentialBinding): boolean {
    const entry = this.entries.get(binding);
    if (entry === undefined) return !this.has(binding.identity);
    this.entries.delete(binding);
    this.collected.unregister(entry.ref);
    return this.remove(entry);
  }

  has(identity: CredentialIdentity): boolean {
    return this.acquirer(identity) !== undefined;
  }

  /** The instance that acquires for the identity, if any is left. */
  acquirer(identity: CredentialIdentity): CredentialBinding | undefined {
    return this.firstLive(identity.id);
  }

  /** The opaque, stable reference of an identity in this engine. */
  ref(identity: CredentialIdentity): string {
    let ref = this.refs.get(identity.id);
    if (ref === undefined) {
      ref = `i${this.refs.size + 1}`;
      this.refs.set(identity.id, ref);
    }
    return ref;
  }

  /** Drops an entry; true when its identity has no live instance left. */
  private remove(entry: Entry): boolean {
    const live = this.bindings.get(entry.id);
    if (live === undefined) return true;
    live.delete(entry.ref);
    if (live.size === 0) this.bindings.delete(entry.id);
    // Instances collected but not yet finalized are not live: their streams can close now.
    return this.firstLive(entry.id) === undefined;
  }

  private firstLive(identityId: string): CredentialBinding | undefined {
    for (const ref of this.bindings.get(identityId) ?? []) {
      const binding = ref.deref();
      if (binding !== undefined) return binding;
    }
    return undefined;
  }
}
