import type { AccessToken } from '@azure/core-auth';
import type { ObservableInput } from 'rxjs';
import { CredentialUnavailableError } from '../../errors.js';
import { ReactiveCredential } from '../../streams/reactiveCredential.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import { acquirerOf } from '../chain/chainedTokenCredential.js';

/**
 * The base of credentials that configure another one from their environment (environment
 * variables, workload identity, Azure Pipelines) and acquire through it. Without an inner
 * credential they are unavailable, saying why.
 */
export abstract class WrappingCredential extends ReactiveCredential {
  /** The credential that acquires; set by the subclass constructor when configured. */
  protected inner: ReactiveCredential | undefined;

  /** Why the credential cannot try when it has no inner credential. */
  protected abstract unavailableMessage(): string;

  protected acquireToken(request: AcquireRequest): ObservableInput<AccessToken> {
    if (this.inner === undefined) throw new CredentialUnavailableError(this.unavailableMessage());
    return acquirerOf(this.inner)(request);
  }

  override async close(): Promise<void> {
    await super.close();
    await this.inner?.close();
  }
}
