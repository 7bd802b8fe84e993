import type { CredentialServices } from '../../streams/credentialServices.js';
import { ReactiveCredential } from '../../streams/reactiveCredential.js';
import type { MultiTenantCredentialOptions } from './credentialOptions.js';
import { credentialContext, type CredentialContext } from './credentialContext.js';
import { fingerprint, tenantPolicyPart } from './identity.js';
import { ConfidentialClient, type ClientProof } from '../msal/confidentialClient.js';
import { resolveTenant } from './tenantId.js';

/**
 * The shared base of credentials that authenticate an application to Entra with MSAL's
 * confidential client: the tenant policy, the network module and the engine identity.
 */
export abstract class ConfidentialCredential extends ReactiveCredential {
  protected readonly context: CredentialContext;
  protected readonly client: ConfidentialClient;

  /**
   * @param proof - how the application proves itself; a function when it needs the engine's
   *   services (a certificate assertion stamps the engine's time)
   * @param material - what makes this configuration's tokens its own (a secret, a certificate
   *   path); fingerprinted one way into the engine key, never stored.
   */
  protected constructor(
    kind: string,
    tenantId: string,
    clientId: string,
    proof: ClientProof | ((services: CredentialServices) => ClientProof),
    options: MultiTenantCredentialOptions & {
      secrets: readonly string[];
      material: readonly string[];
    },
  ) {
    super(options);
    this.context = credentialContext(
      kind,
      tenantId,
      options,
      options.secrets,
      this.services.scheduler,
    );
    this.logger = this.context.logger;
    const { authorityHost, network, logger, tenants } = this.context;
    this.client = new ConfidentialClient(
      {
        clientId,
        authorityHost,
        network,
        logger,
        secrets: options.secrets,
        caches: this.services.msalCaches,
      },
      typeof proof === 'function' ? proof(this.services) : proof,
    );
    this.bind({
      kind,
      id: [
        kind,
        authorityHost,
        tenantId,
        clientId,
        fingerprint(...options.material),
        tenantPolicyPart(tenants),
      ].join('|'),
      label: `${kind}(${clientId})`,
    });
  }

  protected override resolveRequestTenant(tenantId: string | undefined): string {
    return resolveTenant(this.context.tenants, tenantId);
  }

  override async close(): Promise<void> {
    await super.close();
    this.context.network.close();
  }
}
