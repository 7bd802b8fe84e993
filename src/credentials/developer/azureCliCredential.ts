import { join } from 'node:path';
import type { AccessToken } from '@azure/core-auth';
import { CredentialUnavailableError, InvalidResponseError } from '../../errors.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import {
  checkCliTenant,
  checkSubscription,
  encodeClaims,
  hasClaims,
  singleResource,
} from './cliArguments.js';
import { cliToken, epochSecondsToMs, parseJsonObject, parseLocalDateTime } from './cliOutput.js';
import {
  CLAIMS_NOT_SUPPORTED,
  DeveloperCliCredential,
  type CliTool,
  type DeveloperCliCredentialOptions,
  homeOf,
} from './developerCliCredential.js';

/** Options of {@link AzureCliCredential}. */
export interface AzureCliCredentialOptions extends DeveloperCliCredentialOptions {
  /** The subscription (id or name) whose tenant the token is for. Default: the CLI's current one. */
  subscription?: string;
}

/** The messages of `@azure/identity`'s AzureCliCredential. */
export const azureCliMessages = {
  notInstalled:
    "Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.",
  login:
    "Please run 'az login' from a command prompt to authenticate before using this credential.",
} as const;

const AZURE_CLI: CliTool = {
  displayName: 'Azure CLI',
  executables: ['az'],
  notInstalledMessage: azureCliMessages.notInstalled,
  notInstalledPattern: /az:(.*)not found|^'az' is not recognized/m,
  // Who is signed in, and to which subscription: `az login`, `az logout`, `az account set`.
  accountFiles: (env) => [
    join(env.AZURE_CONFIG_DIR ?? join(homeOf(env), '.azure'), 'azureProfile.json'),
  ],
};

/**
 * Authenticates as the user (or service principal) signed in to the Azure CLI, with
 * `az account get-access-token`. The CLI runs without a shell, with validated arguments, from
 * `/bin` (`%SystemRoot%` on Windows), and is stopped after `processTimeoutInMs`. Tokens are cached
 * and refreshed by the engine, so the CLI runs once per token, not once per call.
 *
 * @example
 * ```ts
 * const credential = new AzureCliCredential({ subscription: 'my-subscription' });
 * const token = await credential.getToken('https://management.azure.com/.default');
 * ```
 */
export class AzureCliCredential extends DeveloperCliCredential {
  private readonly subscription: string | undefined;

  constructor(options: AzureCliCredentialOptions = {}) {
    const subscription = options.subscription ? checkSubscription(options.subscription) : undefined;
    super('AzureCliCredential', AZURE_CLI, options, [subscription ?? '']);
    this.subscription = subscription;
  }

  protected async acquireToken(request: AcquireRequest): Promise<AccessToken> {
    const resource = singleResource(this.kind, request.scopes);
    const tenant = checkCliTenant(request.tenantId);
    if (hasClaims(request.claims)) {
      const login = `az login --claims-challenge ${encodeClaims(request.claims)} --scope ${request.scopes[0]}`;
      throw new CredentialUnavailableError(
        `${CLAIMS_NOT_SUPPORTED} ${login}${tenant ? ` --tenant ${tenant}` : ''}`,
      );
    }
    const args = ['account', 'get-access-token', '--output', 'json', '--resource', resource];
    if (tenant !== undefined) args.push('--tenant', tenant);
    if (this.subscription !== undefined) args.push('--subscription', this.subscription);
    const { stdout } = await this.run(args, { AZURE_CORE_NO_COLOR: 'true' }, request);
    return parseAzureCliToken(stdout);
  }

  /** Not signed in: the CLI says to run `az login` or `az account set`, without an Entra error. */
  protected unavailableReason(output: string): string | undefined {
    const loginHint = /az login|az account set/.test(output);
    const entraRefused = /AADSTS|az login --scope/.test(output);
    return loginHint && !entraRefused ? azureCliMessages.login : undefined;
  }
}

/**
 * Reads `az account get-access-token --output json`: `accessToken`, and the expiry from
 * `expires_on` (epoch seconds, Azure CLI 2.54+) or else `expiresOn` (local time, no zone).
 */
export function parseAzureCliToken(stdout: string): AccessToken {
  const json = parseJsonObject(stdout);
  if (json === undefined) {
    throw new InvalidResponseError(
      'AzureCliCredential: Azure CLI printed something that is not the JSON of `az account get-access-token`.',
    );
  }
  const expiresOn = epochSecondsToMs(json.expires_on) ?? parseLocalDateTime(json.expiresOn);
  return cliToken(
    'AzureCliCredential: Azure CLI',
    json.accessToken,
    expiresOn,
    '"expires_on" or "expiresOn"',
  );
}
