import { ClientAssertionCredential } from '../servicePrincipal/clientAssertionCredential.js';
import type { MultiTenantCredentialOptions } from '../base/credentialOptions.js';
import { WrappingCredential } from '../base/wrappingCredential.js';
import { FederatedTokenFile } from './federatedTokenFile.js';

/** Options of {@link WorkloadIdentityCredential}; each defaults to its environment variable. */
export interface WorkloadIdentityCredentialOptions extends MultiTenantCredentialOptions {
  /** Default `AZURE_TENANT_ID`. */
  tenantId?: string;
  /** Default `AZURE_CLIENT_ID`. */
  clientId?: string;
  /** Default `AZURE_FEDERATED_TOKEN_FILE`. */
  tokenFilePath?: string;
}

/**
 * Authenticates a Kubernetes workload with Microsoft Entra Workload ID: the projected service
 * account token in `AZURE_FEDERATED_TOKEN_FILE` is the client assertion. The file is read again
 * when it changes and at least every five minutes. Incomplete configuration or a missing or empty
 * file gives `CredentialUnavailableError` naming what is missing.
 *
 * @example
 * ```ts
 * const credential = new WorkloadIdentityCredential(); // AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE
 * ```
 */
export class WorkloadIdentityCredential extends WrappingCredential {
  private readonly missing: string[];

  constructor(options: WorkloadIdentityCredentialOptions = {}) {
    super(options);
    const env = options.env ?? process.env;
    const tenantId = options.tenantId ?? env.AZURE_TENANT_ID;
    const clientId = options.clientId ?? env.AZURE_CLIENT_ID;
    const path = options.tokenFilePath ?? env.AZURE_FEDERATED_TOKEN_FILE;
    this.missing = [
      !tenantId && 'tenantId (AZURE_TENANT_ID)',
      !clientId && 'clientId (AZURE_CLIENT_ID)',
      !path && 'tokenFilePath (AZURE_FEDERATED_TOKEN_FILE)',
    ].filter((m): m is string => typeof m === 'string');
    if (tenantId && clientId && path) {
      const file = new FederatedTokenFile(path, () => this.services.scheduler.now());
      this.inner = new ClientAssertionCredential(tenantId, clientId, () => file.read(), {
        ...options,
        env,
        tokenManager: this.tokenManager,
      });
    }
    this.bind({
      kind: 'WorkloadIdentityCredential',
      id: ['WorkloadIdentityCredential', tenantId, clientId, path].join('|'),
      label: `WorkloadIdentityCredential(${clientId ?? 'unconfigured'})`,
    });
  }

  protected unavailableMessage(): string {
    return `WorkloadIdentityCredential is unavailable: missing ${this.missing.join(', ')}. See https://aka.ms/azsdk/js/identity/workloadidentitycredential/troubleshoot`;
  }
}
