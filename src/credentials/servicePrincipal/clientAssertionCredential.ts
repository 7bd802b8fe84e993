import type { AccessToken } from '@azure/core-auth';
import { randomUUID } from 'node:crypto';
import { CredentialUnavailableError, isIdentityError } from '../../errors.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import { ConfidentialCredential } from '../base/confidentialCredential.js';
import { requireArguments } from '../base/credentialContext.js';
import type { MultiTenantCredentialOptions } from '../base/credentialOptions.js';

/** Options of {@link ClientAssertionCredential}. */
export type ClientAssertionCredentialOptions = MultiTenantCredentialOptions;

/**
 * Authenticates a service principal with a client assertion (a signed JWT, e.g. a federated token)
 * that `getAssertion` returns. The callback runs for each token request, so a rotating assertion
 * works. Instances never share tokens: a callback cannot be compared.
 *
 * @example
 * ```ts
 * const credential = new ClientAssertionCredential(tenantId, clientId, () => readFile(path, 'utf8'));
 * ```
 */
export class ClientAssertionCredential extends ConfidentialCredential {
  constructor(
    tenantId: string,
    clientId: string,
    getAssertion: () => Promise<string>,
    options: ClientAssertionCredentialOptions = {},
  ) {
    const kind = 'ClientAssertionCredential';
    requireArguments(kind, { tenantId, clientId, getAssertion });
    const clientAssertion = assertionFromCallback(kind, getAssertion);
    super(
      kind,
      tenantId,
      clientId,
      { clientAssertion },
      { ...options, secrets: [], material: [randomUUID()] },
    );
  }

  protected acquireToken(request: AcquireRequest): Promise<AccessToken> {
    return this.client.acquireByClientCredential(request);
  }
}

/**
 * Wraps a user's assertion callback: a failure or an empty answer becomes a
 * `CredentialUnavailableError` whose message is redacted (it never repeats an assertion).
 */
export function assertionFromCallback(
  kind: string,
  getAssertion: () => Promise<string>,
): () => Promise<string> {
  return async () => {
    let assertion: unknown;
    try {
      assertion = await getAssertion();
    } catch (error) {
      // Our own typed errors (a missing token file...) are safe to pass on as they are.
      if (isIdentityError(error)) throw error;
      // The callback's own message may quote what it read (a token file): name the failure only.
      const what =
        error instanceof Error ? ((error as { code?: unknown }).code ?? error.name) : typeof error;
      throw new CredentialUnavailableError(`${kind}: getAssertion failed (${String(what)}).`);
    }
    if (typeof assertion !== 'string' || assertion.trim() === '') {
      throw new CredentialUnavailableError(`${kind}: getAssertion returned an empty assertion.`);
    }
    return assertion.trim();
  };
}
