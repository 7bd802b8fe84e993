import { isCredentialUnavailableError } from '../../errors.js';
import { resolveAuthorityHost, type Environment } from '../base/authorityHost.js';
import type { InternalCredentialOptions } from '../base/credentialContext.js';
import type { MultiTenantCredentialOptions } from '../base/credentialOptions.js';
import { fingerprint, tenantPolicyPart } from '../base/identity.js';
import { WrappingCredential } from '../base/wrappingCredential.js';
import {
  ClientAssertionCredential,
  type ClientAssertionCredentialOptions,
} from '../servicePrincipal/clientAssertionCredential.js';
import { FederatedTokenFile } from './federatedTokenFile.js';
import { KubernetesTokenProxy, kubernetesTokenProxyFromEnv } from './kubernetesTokenProxy.js';

/** Options of {@link WorkloadIdentityCredential}; each defaults to its environment variable. */
export interface WorkloadIdentityCredentialOptions extends MultiTenantCredentialOptions {
  /** Default `AZURE_TENANT_ID`. */
  tenantId?: string;
  /** Default `AZURE_CLIENT_ID`. */
  clientId?: string;
  /** Default `AZURE_FEDERATED_TOKEN_FILE`. */
  tokenFilePath?: string;
  /**
   * Sends token requests through the AKS identity-binding token proxy declared by
   * `AZURE_KUBERNETES_TOKEN_PROXY` (https), with `AZURE_KUBERNETES_SNI_NAME` as the TLS server
   * name and the proxy's CA from `AZURE_KUBERNETES_CA_FILE` (re-read when it changes) or
   * `AZURE_KUBERNETES_CA_DATA`. Without `AZURE_KUBERNETES_TOKEN_PROXY` the credential talks to
   * the authority as usual. Default false.
   */
  enableAzureProxy?: boolean;
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
  /** Why the AKS token proxy configuration cannot be used, when it cannot. */
  private proxyProblem: string | undefined;

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
    const requestRoute = options.enableAzureProxy === true ? this.proxyRoute(env) : undefined;
    if (tenantId && clientId && path && this.proxyProblem === undefined) {
      const file = new FederatedTokenFile(path, () => this.services.scheduler.now());
      const innerOptions: ClientAssertionCredentialOptions & InternalCredentialOptions = {
        ...options,
        env,
        tokenManager: this.tokenManager,
        requestRoute,
      };
      this.inner = new ClientAssertionCredential(
        tenantId,
        clientId,
        () => file.read(),
        innerOptions,
      );
    }
    // Instances of one identity share streams and the first acquires for all: every setting that
    // changes what an acquisition does is part of it (once configured, the inner credential has
    // validated the authority host and the tenant).
    const configured =
      this.inner === undefined
        ? ['unconfigured']
        : [
            resolveAuthorityHost(options.authorityHost, env),
            tenantPolicyPart({
              tenantId: tenantId!,
              additionallyAllowedTenants: options.additionallyAllowedTenants ?? [],
              env,
            }),
          ];
    const via = options.enableAzureProxy === true ? proxyIdentityParts(env) : [];
    this.bind({
      kind: 'WorkloadIdentityCredential',
      id: ['WorkloadIdentityCredential', tenantId, clientId, path, ...configured, ...via].join('|'),
      label: `WorkloadIdentityCredential(${clientId ?? 'unconfigured'})`,
    });
  }

  /** The token proxy's route, or none; a configuration that cannot be right is remembered. */
  private proxyRoute(env: Environment): KubernetesTokenProxy | undefined {
    try {
      const config = kubernetesTokenProxyFromEnv(env);
      return config === undefined ? undefined : new KubernetesTokenProxy(config);
    } catch (error) {
      if (!isCredentialUnavailableError(error)) throw error;
      this.proxyProblem = error.message;
      return undefined;
    }
  }

  protected unavailableMessage(): string {
    if (this.proxyProblem !== undefined) return this.proxyProblem;
    return `WorkloadIdentityCredential is unavailable: missing ${this.missing.join(', ')}. See https://aka.ms/azsdk/js/identity/workloadidentitycredential/troubleshoot`;
  }
}

/** The token proxy settings, as identity parts: they decide where and how requests go. */
function proxyIdentityParts(env: Environment): string[] {
  const caData = env.AZURE_KUBERNETES_CA_DATA;
  return [
    `proxy:${env.AZURE_KUBERNETES_TOKEN_PROXY ?? ''}`,
    `sni:${env.AZURE_KUBERNETES_SNI_NAME ?? ''}`,
    `ca-file:${env.AZURE_KUBERNETES_CA_FILE ?? ''}`,
    `ca-data:${caData ? fingerprint(caData) : ''}`,
  ];
}
