/**
 * `--credential NAME`: which credential the service and the `token` command use, and whether the
 * environment configures Azure at all (otherwise `serve` runs on the embedded emulator).
 */
import type { Environment } from '../credentials/base/authorityHost.js';
import { DefaultAzureCredential } from '../credentials/chain/defaultAzureCredential.js';
import { AzureCliCredential } from '../credentials/developer/azureCliCredential.js';
import { AzureDeveloperCliCredential } from '../credentials/developer/azureDeveloperCliCredential.js';
import { AzurePowerShellCredential } from '../credentials/developer/azurePowerShellCredential.js';
import { WorkloadIdentityCredential } from '../credentials/federated/workloadIdentityCredential.js';
import {
  EnvironmentCredential,
  isEnvironmentConfigured,
} from '../credentials/servicePrincipal/environmentCredential.js';
import { DeviceCodeCredential } from '../credentials/user/deviceCodeCredential.js';
import {
  managedIdentitySource,
  singleIdentitySource,
  type TokenSource,
} from '../service/tokenSources.js';
import type { ReactiveCredential } from '../streams/reactiveCredential.js';
import type { TokenManager } from '../streams/tokenManager.js';
import type { CredentialName } from './credentialNames.js';

/**
 * Whether the environment points at Azure: a service principal or workload identity
 * (`AZURE_CLIENT_ID` with `AZURE_TENANT_ID` and a secret, certificate, password or federated token
 * file), a managed identity host (`IDENTITY_ENDPOINT`, `MSI_ENDPOINT`,
 * `AZURE_POD_IDENTITY_AUTHORITY_HOST`) or an explicit `AZURE_TOKEN_CREDENTIALS`. A virtual machine
 * whose only identity is IMDS sets none of them: name `--credential managed-identity` there.
 */
export function isAzureConfigured(env: Environment): boolean {
  const workload = env.AZURE_CLIENT_ID && env.AZURE_TENANT_ID && env.AZURE_FEDERATED_TOKEN_FILE;
  return Boolean(
    isEnvironmentConfigured(env) ||
    workload ||
    env.IDENTITY_ENDPOINT ||
    env.MSI_ENDPOINT ||
    env.AZURE_POD_IDENTITY_AUTHORITY_HOST ||
    env.AZURE_TOKEN_CREDENTIALS,
  );
}

/** What a credential is made with. */
export interface CredentialContext {
  tokenManager: TokenManager;
  env: Environment;
  /** `--tenant`, for the credentials that take one. */
  tenantId?: string;
  /** Where a device code prompt goes (stderr in the CLI). */
  prompt(message: string): void;
}

/** The token source of an Azure credential (every name but `emulator`). */
export function azureTokenSource(
  name: Exclude<CredentialName, 'emulator'>,
  context: CredentialContext,
): TokenSource {
  const { tokenManager, env, tenantId } = context;
  const common = { tokenManager, env };
  const one = (credential: ReactiveCredential, clientId?: string) =>
    singleIdentitySource(credential, { description: credential.constructor.name, clientId });
  switch (name) {
    case 'default':
      // Its deployed links (environment, workload and managed identity) all take AZURE_CLIENT_ID:
      // apps on a host that picks a user-assigned identity that way send it as `client_id`.
      return singleIdentitySource(new DefaultAzureCredential({ ...common, tenantId }), {
        description: 'DefaultAzureCredential',
        expectedClientId: env.AZURE_CLIENT_ID?.trim() || undefined,
      });
    case 'managed-identity':
      return managedIdentitySource({ credentialOptions: common });
    case 'environment':
      return one(new EnvironmentCredential(common), env.AZURE_CLIENT_ID);
    case 'workload-identity':
      return one(new WorkloadIdentityCredential({ ...common, tenantId }), env.AZURE_CLIENT_ID);
    case 'azure-cli':
      return one(new AzureCliCredential({ ...common, tenantId }));
    case 'azure-developer-cli':
      return one(new AzureDeveloperCliCredential({ ...common, tenantId }));
    case 'azure-powershell':
      return one(new AzurePowerShellCredential({ ...common, tenantId }));
    case 'device-code':
      return one(
        new DeviceCodeCredential({
          ...common,
          tenantId,
          userPromptCallback: (info) => context.prompt(info.message),
        }),
      );
  }
}
