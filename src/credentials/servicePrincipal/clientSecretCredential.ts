import type { AccessToken } from '@azure/core-auth';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import { ConfidentialCredential } from '../base/confidentialCredential.js';
import { requireArguments } from '../base/credentialContext.js';
import type { MultiTenantCredentialOptions } from '../base/credentialOptions.js';

/** Options of {@link ClientSecretCredential}. */
export type ClientSecretCredentialOptions = MultiTenantCredentialOptions;

/**
 * Authenticates a service principal with a client secret (OAuth 2.0 client credentials), with the
 * constructor of `@azure/identity`.
 *
 * @example
 * ```ts
 * const credential = new ClientSecretCredential(tenantId, clientId, clientSecret);
 * const token = await credential.getToken('https://storage.azure.com/.default');
 * credential.token$('https://vault.azure.net/.default').subscribe((t) => use(t.token));
 * ```
 */
export class ClientSecretCredential extends ConfidentialCredential {
  constructor(
    tenantId: string,
    clientId: string,
    clientSecret: string,
    options: ClientSecretCredentialOptions = {},
  ) {
    requireArguments('ClientSecretCredential', { tenantId, clientId, clientSecret });
    super(
      'ClientSecretCredential',
      tenantId,
      clientId,
      { clientSecret },
      {
        ...options,
        secrets: [clientSecret],
        material: [clientSecret],
      },
    );
  }

  protected acquireToken(request: AcquireRequest): Promise<AccessToken> {
    return this.client.acquireByClientCredential(request);
  }
}
