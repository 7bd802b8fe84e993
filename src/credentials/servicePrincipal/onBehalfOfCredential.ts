import { randomUUID } from 'node:crypto';
import type { AccessToken } from '@azure/core-auth';
import type { CredentialServices } from '../../streams/credentialServices.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import { certificateAssertion } from './clientAssertionSigner.js';
import { loadClientCertificate } from './clientCertificate.js';
import { ConfidentialCredential } from '../base/confidentialCredential.js';
import { requireArguments } from '../base/credentialContext.js';
import type {
  AuthorityValidationOptions,
  CredentialPersistenceOptions,
  MultiTenantCredentialOptions,
} from '../base/credentialOptions.js';
import type { ClientProof } from '../msal/confidentialClient.js';
import { InvalidArgumentError } from '../../errors.js';
import { assertionFromCallback } from './clientAssertionCredential.js';

/** The on-behalf-of flow with a client secret, as `@azure/identity` names it. */
export interface OnBehalfOfCredentialSecretOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** The user's access token that the middle-tier API received. */
  userAssertionToken: string;
}

/** The on-behalf-of flow with a certificate file (PEM or PKCS#12), as `@azure/identity` names it. */
export interface OnBehalfOfCredentialCertificateOptions {
  tenantId: string;
  clientId: string;
  certificatePath: string;
  /** The file's password, if it has one (this package's addition). */
  certificatePassword?: string;
  /** The user's access token that the middle-tier API received. */
  userAssertionToken: string;
  /** Sends the certificate chain (`x5c`) with each assertion. */
  sendCertificateChain?: boolean;
}

/** The on-behalf-of flow with a client assertion callback, as `@azure/identity` names it. */
export interface OnBehalfOfCredentialAssertionOptions {
  tenantId: string;
  clientId: string;
  /** Returns the client assertion (a signed JWT); called for each token request. */
  getAssertion: () => Promise<string>;
  /** The user's access token that the middle-tier API received. */
  userAssertionToken: string;
}

/** Options of {@link OnBehalfOfCredential}: one way for the middle tier to prove who it is. */
export type OnBehalfOfCredentialOptions = (
  | OnBehalfOfCredentialSecretOptions
  | OnBehalfOfCredentialCertificateOptions
  | OnBehalfOfCredentialAssertionOptions
) &
  MultiTenantCredentialOptions &
  CredentialPersistenceOptions &
  AuthorityValidationOptions;

/**
 * The on-behalf-of flow: a middle-tier API exchanges the user's token it received for a token to
 * a downstream API, proving itself with a secret, a certificate or an assertion callback. A
 * per-request `tenantId` is honoured on every path (the anchor drops it on two).
 *
 * @example
 * ```ts
 * const credential = new OnBehalfOfCredential({ tenantId, clientId, clientSecret, userAssertionToken });
 * ```
 */
export class OnBehalfOfCredential extends ConfidentialCredential {
  private readonly userAssertionToken: string;

  constructor(
    options: OnBehalfOfCredentialCertificateOptions &
      MultiTenantCredentialOptions &
      CredentialPersistenceOptions,
  );
  constructor(
    options: OnBehalfOfCredentialSecretOptions &
      MultiTenantCredentialOptions &
      CredentialPersistenceOptions,
  );
  constructor(
    options: OnBehalfOfCredentialAssertionOptions &
      MultiTenantCredentialOptions &
      CredentialPersistenceOptions,
  );
  constructor(options: OnBehalfOfCredentialOptions);
  constructor(options: OnBehalfOfCredentialOptions) {
    const kind = 'OnBehalfOfCredential';
    requireArguments(kind, {
      tenantId: options?.tenantId,
      clientId: options?.clientId,
      userAssertionToken: options?.userAssertionToken,
    });
    const { proof, secrets, material } = onBehalfOfProof(kind, options);
    super(kind, options.tenantId, options.clientId, proof, {
      ...options,
      secrets: [...secrets, options.userAssertionToken],
      material: [...material, options.userAssertionToken],
    });
    this.userAssertionToken = options.userAssertionToken;
  }

  protected async acquireToken(request: AcquireRequest): Promise<AccessToken> {
    return (await this.client.acquireOnBehalfOf(request, this.userAssertionToken)).token;
  }
}

function onBehalfOfProof(
  kind: string,
  options: OnBehalfOfCredentialOptions,
): {
  proof: ClientProof | ((services: CredentialServices) => ClientProof);
  secrets: string[];
  material: string[];
} {
  const ways = ['clientSecret', 'certificatePath', 'getAssertion'].filter(
    (k) =>
      k in options &&
      ![undefined, ''].includes((options as unknown as Record<string, unknown>)[k] as string),
  );
  if (ways.length !== 1) {
    throw new InvalidArgumentError(
      `${kind}: provide exactly one of clientSecret, certificatePath or getAssertion.`,
    );
  }
  if ('clientSecret' in options)
    return {
      proof: { clientSecret: options.clientSecret },
      secrets: [options.clientSecret],
      material: [options.clientSecret],
    };
  if ('certificatePath' in options) {
    const source = {
      certificatePath: options.certificatePath,
      certificatePassword: options.certificatePassword,
    };
    const proof = ({ scheduler }: CredentialServices): ClientProof => ({
      clientAssertion: certificateAssertion(
        options.clientId,
        () => loadClientCertificate(source, new Date(scheduler.now())),
        { sendCertificateChain: options.sendCertificateChain === true, now: () => scheduler.now() },
      ),
    });
    const password = options.certificatePassword ?? '';
    return {
      proof,
      secrets: password ? [password] : [],
      material: [
        options.certificatePath,
        password,
        options.sendCertificateChain ? 'x5c' : 'no-x5c',
      ],
    };
  }
  const clientAssertion = assertionFromCallback(kind, options.getAssertion);
  return { proof: { clientAssertion }, secrets: [], material: [`callback:${randomUUID()}`] };
}
