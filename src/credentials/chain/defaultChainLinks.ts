/**
 * The links of {@link DefaultAzureCredential}: which ones `AZURE_TOKEN_CREDENTIALS` and the
 * exclude options leave, and how each is built from the chain's options.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { ReactiveCredential } from '../../streams/reactiveCredential.js';
import { AzureCliCredential } from '../developer/azureCliCredential.js';
import { AzureDeveloperCliCredential } from '../developer/azureDeveloperCliCredential.js';
import { AzurePowerShellCredential } from '../developer/azurePowerShellCredential.js';
import { VisualStudioCodeCredential } from '../developer/visualStudioCodeCredential.js';
import { WorkloadIdentityCredential } from '../federated/workloadIdentityCredential.js';
import { ManagedIdentityCredential } from '../managedIdentity/managedIdentityCredential.js';
import { EnvironmentCredential } from '../servicePrincipal/environmentCredential.js';
import { InteractiveBrowserCredential } from '../user/interactiveBrowserCredential.js';
import type {
  AnyDefaultAzureCredentialOptions,
  DefaultAzureCredentialOptions,
} from './defaultAzureCredential.js';

type LinkName =
  | 'EnvironmentCredential'
  | 'WorkloadIdentityCredential'
  | 'ManagedIdentityCredential'
  | 'VisualStudioCodeCredential'
  | 'AzureCliCredential'
  | 'AzurePowerShellCredential'
  | 'AzureDeveloperCliCredential'
  | 'InteractiveBrowserCredential';

/** The links in the anchor's order; deployed ones stop the chain when refused, developer ones never do. */
export const LINKS: readonly {
  name: LinkName;
  deployed: boolean;
  exclude: keyof DefaultAzureCredentialOptions;
}[] = [
  { name: 'EnvironmentCredential', deployed: true, exclude: 'excludeEnvironmentCredential' },
  {
    name: 'WorkloadIdentityCredential',
    deployed: true,
    exclude: 'excludeWorkloadIdentityCredential',
  },
  {
    name: 'ManagedIdentityCredential',
    deployed: true,
    exclude: 'excludeManagedIdentityCredential',
  },
  {
    name: 'VisualStudioCodeCredential',
    deployed: false,
    exclude: 'excludeVisualStudioCodeCredential',
  },
  { name: 'AzureCliCredential', deployed: false, exclude: 'excludeAzureCliCredential' },
  {
    name: 'AzurePowerShellCredential',
    deployed: false,
    exclude: 'excludeAzurePowerShellCredential',
  },
  {
    name: 'AzureDeveloperCliCredential',
    deployed: false,
    exclude: 'excludeAzureDeveloperCliCredential',
  },
  {
    name: 'InteractiveBrowserCredential',
    deployed: false,
    exclude: 'excludeInteractiveBrowserCredential',
  },
];

/** Accepted values of `AZURE_TOKEN_CREDENTIALS`. */
export const AZURE_TOKEN_CREDENTIALS_VALUES = ['dev', 'prod', ...LINKS.map((l) => l.name)] as const;

export const DEFAULT_MANAGED_IDENTITY_PROBE_TIMEOUT_MS = 1_000;

/** The links `AZURE_TOKEN_CREDENTIALS` and the exclude options leave. */
export function selectedLinks(
  value: string | undefined,
  options: AnyDefaultAzureCredentialOptions,
) {
  const wanted = value?.trim().toLowerCase() ?? '';
  const inScope = (link: (typeof LINKS)[number]): boolean => {
    if (wanted === '') return true;
    if (wanted === 'dev') return !link.deployed;
    if (wanted === 'prod') return link.deployed;
    return link.name.toLowerCase() === wanted;
  };
  if (wanted !== '' && !AZURE_TOKEN_CREDENTIALS_VALUES.some((v) => v.toLowerCase() === wanted)) {
    throw new InvalidArgumentError(
      `Invalid value for AZURE_TOKEN_CREDENTIALS = ${value}. Valid values are ${AZURE_TOKEN_CREDENTIALS_VALUES.map((v) => `'${v}'`).join(', ')} (case-insensitive).`,
    );
  }
  return LINKS.filter((link) => {
    const excluded = options[link.exclude] ?? link.name === 'InteractiveBrowserCredential';
    return inScope(link) && !excluded;
  });
}

type LinkOptions = AnyDefaultAzureCredentialOptions & {
  env: Readonly<Record<string, string | undefined>>;
};

export function createLink(
  name: LinkName,
  options: LinkOptions,
  single: boolean,
): ReactiveCredential {
  const common = {
    env: options.env,
    tokenManager: options.tokenManager,
    authorityHost: options.authorityHost,
    tlsOptions: options.tlsOptions,
    loggingOptions: options.loggingOptions,
    requestTimeoutMs: options.requestTimeoutMs,
    additionallyAllowedTenants: options.additionallyAllowedTenants,
    disableInstanceDiscovery: options.disableInstanceDiscovery,
    // What the anchor's links get from the same options: the proxy and the retries.
    proxyOptions: options.proxyOptions,
    retryOptions: options.retryOptions,
  };
  const developer = {
    ...common,
    tenantId: options.tenantId,
    processTimeoutInMs: options.processTimeoutInMs,
  };
  switch (name) {
    case 'EnvironmentCredential':
      return new EnvironmentCredential(common);
    case 'WorkloadIdentityCredential':
      return new WorkloadIdentityCredential({
        ...common,
        tenantId: options.tenantId,
        // The anchor's order: workload identity's own id, then managed identity's, then the env.
        clientId: options.workloadIdentityClientId ?? options.managedIdentityClientId,
      });
    case 'ManagedIdentityCredential':
      return new ManagedIdentityCredential({
        ...common,
        ...(options.managedIdentityResourceId
          ? { resourceId: options.managedIdentityResourceId }
          : { clientId: options.managedIdentityClientId ?? options.env.AZURE_CLIENT_ID }),
        // Chosen on its own, managed identity is expected to be there: no probe.
        probeImds: single
          ? false
          : {
              timeoutMs:
                options.managedIdentityProbeTimeoutMs ?? DEFAULT_MANAGED_IDENTITY_PROBE_TIMEOUT_MS,
            },
      });
    case 'VisualStudioCodeCredential':
      return new VisualStudioCodeCredential({ ...common, tenantId: options.tenantId });
    case 'AzureCliCredential':
      return new AzureCliCredential(developer);
    case 'AzurePowerShellCredential':
      return new AzurePowerShellCredential(developer);
    case 'AzureDeveloperCliCredential':
      return new AzureDeveloperCliCredential(developer);
    case 'InteractiveBrowserCredential':
      return new InteractiveBrowserCredential({
        ...common,
        tenantId: options.tenantId,
        ...options.interactiveBrowserOptions,
      });
  }
}
