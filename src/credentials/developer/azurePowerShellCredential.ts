import { join } from 'node:path';
import type { AccessToken } from '@azure/core-auth';
import { CredentialUnavailableError, InvalidResponseError } from '../../errors.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import { checkCliTenant, encodeClaims, hasClaims, singleResource } from './cliArguments.js';
import { cliToken, epochSecondsToMs, parseJsonObject, sanitizeCliOutput } from './cliOutput.js';
import {
  CLAIMS_NOT_SUPPORTED,
  DeveloperCliCredential,
  homeOf,
  type CliTool,
  type DeveloperCliCredentialOptions,
} from './developerCliCredential.js';
import {
  NO_AZ_ACCOUNT_MODULE,
  POWERSHELL_RESOURCE_VARIABLE,
  POWERSHELL_SCRIPT,
  POWERSHELL_TENANT_VARIABLE,
} from './powerShellScript.js';

/** Options of {@link AzurePowerShellCredential}. */
export type AzurePowerShellCredentialOptions = DeveloperCliCredentialOptions;

/** The messages of `@azure/identity`'s AzurePowerShellCredential. */
export const azurePowerShellMessages = {
  notInstalled:
    'Unable to execute PowerShell. Ensure that it is installed in your system. To troubleshoot, visit https://aka.ms/azsdk/js/identity/powershellcredential/troubleshoot.',
  moduleNotInstalled: `The 'Az.Account' module >= 2.2.0 is not installed. Install the Azure Az PowerShell module with: "Install-Module -Name Az -Scope CurrentUser -Repository PSGallery -Force".`,
  login:
    "Please run 'Connect-AzAccount' from PowerShell to authenticate before using this credential.",
  executionPolicy:
    'Azure PowerShell could not run: the PowerShell execution policy blocks scripts (AuthorizationManager check failed). See https://aka.ms/azsdk/js/identity/powershellcredential/troubleshoot.',
} as const;

const POWERSHELL: CliTool = {
  displayName: 'Azure PowerShell',
  executables: ['pwsh', 'powershell'],
  notInstalledMessage: azurePowerShellMessages.notInstalled,
  notInstalledPattern: /^'(pwsh|powershell)' is not recognized|(pwsh|powershell):(.*)not found/m,
  // Connect-AzAccount, Disconnect-AzAccount and Set-AzContext rewrite the saved context.
  accountFiles: (env) => [join(homeOf(env), '.Azure', 'AzureRmContext.json')],
};

const MODULE_MISSING = new RegExp(
  `${NO_AZ_ACCOUNT_MODULE}|The specified module 'Az\\.Accounts' with version '2\\.2\\.0' was not loaded because no valid module file was found in any module directory`,
);

/**
 * Authenticates as the account signed in to Azure PowerShell (`Connect-AzAccount`), with
 * `Get-AzAccessToken`. Runs `pwsh` (else Windows PowerShell, `powershell`) without a shell and
 * with a constant script; the resource and tenant travel in environment variables. The engine
 * caches and refreshes the tokens.
 *
 * @example
 * ```ts
 * const credential = new AzurePowerShellCredential({ processTimeoutInMs: 20_000 });
 * const token = await credential.getToken('https://vault.azure.net/.default');
 * ```
 */
export class AzurePowerShellCredential extends DeveloperCliCredential {
  constructor(options: AzurePowerShellCredentialOptions = {}) {
    super('AzurePowerShellCredential', POWERSHELL, options);
  }

  protected async acquireToken(request: AcquireRequest): Promise<AccessToken> {
    const resource = singleResource(this.kind, request.scopes);
    const tenant = checkCliTenant(request.tenantId);
    if (hasClaims(request.claims)) {
      const login = `Connect-AzAccount -ClaimsChallenge ${encodeClaims(request.claims)}`;
      throw new CredentialUnavailableError(
        `${CLAIMS_NOT_SUPPORTED} ${login}${tenant ? ` -Tenant ${tenant}` : ''}`,
      );
    }
    const args = ['-NoProfile', '-NonInteractive', '-Command', POWERSHELL_SCRIPT];
    // An inherited tenant variable is removed (undefined), so only this request's inputs reach the script.
    const inputs = {
      [POWERSHELL_RESOURCE_VARIABLE]: resource,
      [POWERSHELL_TENANT_VARIABLE]: tenant,
    };
    const { stdout } = await this.run(args, inputs, request);
    const { token, rest } = parsePowerShellOutput(stdout);
    if (rest !== '')
      this.logger?.warning(`PowerShell printed more than the token: ${sanitizeCliOutput(rest)}`);
    return token;
  }

  protected unavailableReason(output: string): string | undefined {
    if (MODULE_MISSING.test(output)) return azurePowerShellMessages.moduleNotInstalled;
    if (/Run Connect-AzAccount to login/.test(output)) return azurePowerShellMessages.login;
    if (/AuthorizationManager check failed/.test(output))
      return azurePowerShellMessages.executionPolicy;
    return undefined;
  }
}

/**
 * Finds the token in the script's output: the last JSON object with a `Token`, whatever PowerShell
 * printed around it (warnings, banners). `rest` is everything else, for a warning.
 */
export function parsePowerShellOutput(stdout: string): { token: AccessToken; rest: string } {
  const objects = [...stdout.matchAll(/\{[^{}]*\}/g)];
  for (const match of objects.reverse()) {
    const json = parseJsonObject(match[0]);
    if (json === undefined || !('Token' in json)) continue;
    const rest = stdout.slice(0, match.index) + stdout.slice(match.index + match[0].length);
    const token = cliToken(
      'AzurePowerShellCredential: Azure PowerShell',
      json.Token,
      epochSecondsToMs(json.ExpiresOn),
      '"ExpiresOn"',
    );
    return { token, rest: rest.trim() };
  }
  throw new InvalidResponseError(
    'AzurePowerShellCredential: Azure PowerShell printed no JSON object with a "Token".',
  );
}
