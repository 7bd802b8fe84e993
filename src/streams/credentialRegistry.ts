import type { AccessToken } from '@azure/core-auth';
import type { ObservableInput } from 'rxjs';
import type { AcquireRequest } from './instrumentedAttempt.js';
import type { CredentialIdentity } from './streamKey.js';

/** How a credential plugs into the engine: who it is and how to acquire one token, cold. */
export interface CredentialBinding {
  identity: CredentialIdentity;
  acquire(request: AcquireRequest): ObservableInput<AccessToken>;
}

/**
 * The live credential instances of an engine, by identity: instances with one identity share
 * streams, and the first one still attached acquires for all of them. Also hands out the opaque
 * identity references (`i1`, `i2`...) that events and snapshots carry instead of the identity.
 */
export class CredentialRegistry {
  private readonly bindings = new Map<string, CredentialBinding[]>();
  private readonly refs = new Map<string, string>();

  attach(binding: CredentialBinding): void {
    const live = this.bindings.get(binding.identity.id);
    if (live === undefined) this.bindings.set(binding.identity.id, [binding]);
    else live.push(binding);
  }

  /** Detaches an instance; true when it was the last of its identity. */
  detach(binding: CredentialBinding): boolean {
    const { id } = binding.identity;
    const live = (this.bindings.get(id) ?? []).filter((b) => b !== binding);
    if (live.length > 0) {
      this.bindings.set(id, live);
      return false;
    }
    this.bindings.delete(id);
    return true;
  }

  has(identity: CredentialIdentity): boolean {
    return this.bindings.has(identity.id);
  }

  /** The instance that acquires for the identity, if any is left. */
  acquirer(identity: CredentialIdentity): CredentialBinding | undefined {
    return this.bindings.get(identity.id)?.[0];
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
}
