import type { AccessToken } from '@azure/core-auth';
import type { CredentialServices } from '../../streams/credentialServices.js';
import type { ClientProof } from '../msal/confidentialClient.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import { certificateAssertion } from './clientAssertionSigner.js';
import { checkCertificateSource, loadClientCertificate } from './clientCertificate.js';
import { ConfidentialCredential } from '../base/confidentialCredential.js';
import { requireArguments } from '../base/credentialContext.js';
import type { MultiTenantCredentialOptions } from '../base/credentialOptions.js';

/** Options of {@link ClientCertificateCredential}. */
export interface ClientCertificateCredentialOptions extends MultiTenantCredentialOptions {
  /**
   * Sends the certificate chain (`x5c`) with each assertion, for subject-name/issuer
   * authentication. Default: `AZURE_CLIENT_SEND_CERTIFICATE_CHAIN` (`true` or `1`), else false.
   */
  sendCertificateChain?: boolean;
}

/** A certificate as PEM text (key and certificate), with the key's password if it has one. */
export interface ClientCertificatePEMCertificate {
  certificate: string;
  certificatePassword?: string;
}

/** A certificate file: PEM (key and certificate) or PKCS#12, with its password if it has one. */
export interface ClientCertificatePEMCertificatePath {
  certificatePath: string;
  certificatePassword?: string;
}

/** A PEM file path, or PEM text, or a PKCS#12 file, with an optional password. */
export type ClientCertificateCredentialPEMConfiguration =
  ClientCertificatePEMCertificate | ClientCertificatePEMCertificatePath;

/**
 * Authenticates a service principal with a certificate: a PEM holding the key and the
 * certificate (file or text), or a PKCS#12 file with or without a password. Each token request
 * carries a fresh assertion signed PS256 with the certificate's SHA-256 thumbprint; the file is
 * read again for each one, so a rotated certificate is used at once.
 *
 * @example
 * ```ts
 * const credential = new ClientCertificateCredential(tenantId, clientId, '/secrets/app.pem');
 * const pfx = new ClientCertificateCredential(tenantId, clientId, { certificatePath: 'app.pfx', certificatePassword });
 * ```
 */
export class ClientCertificateCredential extends ConfidentialCredential {
  constructor(
    tenantId: string,
    clientId: string,
    certificatePath: string,
    options?: ClientCertificateCredentialOptions,
  );
  constructor(
    tenantId: string,
    clientId: string,
    configuration: ClientCertificatePEMCertificatePath,
    options?: ClientCertificateCredentialOptions,
  );
  constructor(
    tenantId: string,
    clientId: string,
    configuration: ClientCertificatePEMCertificate,
    options?: ClientCertificateCredentialOptions,
  );
  constructor(
    tenantId: string,
    clientId: string,
    configuration: string | ClientCertificateCredentialPEMConfiguration,
    options?: ClientCertificateCredentialOptions,
  );
  constructor(
    tenantId: string,
    clientId: string,
    certificate: string | ClientCertificateCredentialPEMConfiguration,
    options: ClientCertificateCredentialOptions = {},
  ) {
    const kind = 'ClientCertificateCredential';
    requireArguments(kind, { tenantId, clientId, certificate });
    const source = checkCertificateSource(certificate, kind);
    const env = options.env ?? process.env;
    const sendCertificateChain =
      options.sendCertificateChain ??
      /^(true|1)$/i.test(env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN?.trim() ?? '');
    const password = source.certificatePassword ?? '';
    // The chain (x5c) changes what the authority accepts (subject name and issuer auth).
    const chain = sendCertificateChain ? 'x5c' : 'no-x5c';
    const material =
      'certificatePath' in source
        ? ['path', source.certificatePath, password, chain]
        : ['pem', source.certificate, password, chain];
    // Assertion timestamps and certificate validity follow the engine's clock.
    const proof = ({ scheduler }: CredentialServices): ClientProof => ({
      clientAssertion: certificateAssertion(
        clientId,
        () => loadClientCertificate(source, new Date(scheduler.now())),
        { sendCertificateChain, now: () => scheduler.now() },
      ),
    });
    super(kind, tenantId, clientId, proof, {
      ...options,
      secrets: password === '' ? [] : [password],
      material,
    });
  }

  protected acquireToken(request: AcquireRequest): Promise<AccessToken> {
    return this.client.acquireByClientCredential(request);
  }
}

/** The same credential under the name other Azure Identity libraries use. */
export const CertificateCredential = ClientCertificateCredential;
