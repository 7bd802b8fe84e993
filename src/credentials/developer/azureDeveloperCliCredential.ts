import { join } from 'node:path';
import type { AccessToken } from '@azure/core-auth';
import { InvalidResponseError } from '../../errors.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import { checkCliScope, checkCliTenant, encodeClaims, hasClaims } from './cliArguments.js';
import { cliToken, parseJsonObject, parseUtcDateTime, sanitizeCliOutput } from './cliOutput.js';
import {
  CLAIMS_NOT_SUPPORTED,
  DeveloperCliCredential,
  homeOf,
  type CliTool,
  type DeveloperCliCredentialOptions,
} from './developerCliCredential.js';

/** Options of {@link AzureDeveloperCliCredential}. */
export type AzureDeveloperCliCredentialOptions = DeveloperCliCredentialOptions;

/** The messages of `@azure/identity`'s AzureDeveloperCliCredential. */
export const azureDeveloperCliMessages = {
  notInstalled:
    "Azure Developer CLI couldn't be found. To mitigate this issue, see the troubleshooting guidelines at https://aka.ms/azsdk/js/identity/azdevclicredential/troubleshoot.",
  login:
    "Please run 'azd auth login' from a command prompt to authenticate before using this credential. For more information, see the troubleshooting guidelines at https://aka.ms/azsdk/js/identity/azdevclicredential/troubleshoot.",
} as const;

const AZURE_DEVELOPER_CLI: CliTool = {
  displayName: 'Azure Developer CLI',
  executables: ['azd'],
  notInstalledMessage: azureDeveloperCliMessages.notInstalled,
  notInstalledPattern: /azd:(.*)not found|^'azd' is not recognized/m,
  // `azd auth login` and `azd auth logout` record the signed-in account in config.json.
  accountFiles: (env) => [join(env.AZD_CONFIG_DIR ?? join(homeOf(env), '.azd'), 'config.json')],
};

const NOT_LOGGED_IN = /not logged in, run `azd (auth )?login` to login/;
const MFA_REQUIRED = /must use multi-factor authentication|reauthentication required/;

/**
 * Authenticates as the account signed in to the Azure Developer CLI, with `azd auth token`, for
 * one or several scopes. A claims challenge is passed on to azd (`--claims`). The CLI runs without
 * a shell, with validated arguments, and is stopped after `processTimeoutInMs`; the engine caches
 * and refreshes the tokens.
 *
 * @example
 * ```ts
 * const credential = new AzureDeveloperCliCredential({ tenantId: 'contoso.onmicrosoft.com' });
 * const token = await credential.getToken('https://storage.azure.com/.default');
 * ```
 */
export class AzureDeveloperCliCredential extends DeveloperCliCredential {
  constructor(options: AzureDeveloperCliCredentialOptions = {}) {
    super('AzureDeveloperCliCredential', AZURE_DEVELOPER_CLI, options);
  }

  protected async acquireToken(request: AcquireRequest): Promise<AccessToken> {
    const scopes = request.scopes.map(checkCliScope);
    const tenant = checkCliTenant(request.tenantId);
    const args = ['auth', 'token', '--output', 'json', '--no-prompt'];
    for (const scope of scopes) args.push('--scope', scope);
    if (tenant !== undefined) args.push('--tenant-id', tenant);
    if (hasClaims(request.claims)) args.push('--claims', encodeClaims(request.claims));
    const { stdout } = await this.run(args, { NO_COLOR: 'true' }, request);
    return parseAzureDeveloperCliToken(stdout);
  }

  protected unavailableReason(output: string, request: AcquireRequest): string | undefined {
    if (NOT_LOGGED_IN.test(output) && !/AADSTS/.test(output))
      return azureDeveloperCliMessages.login;
    if (!MFA_REQUIRED.test(output)) return undefined;
    const scopes = request.scopes.map((scope) => `--scope ${scope}`).join(' ');
    return `${CLAIMS_NOT_SUPPORTED} azd auth login ${scopes}`;
  }

  /** azd may write its errors as JSON lines; show their messages rather than the JSON. */
  protected override describeFailure(stdout: string, stderr: string): string {
    const messages = stderr.split(/\r?\n/).flatMap((line) => azdMessages(line));
    return messages.length > 0
      ? sanitizeCliOutput(messages.join(' '))
      : super.describeFailure(stdout, stderr);
  }
}

/** The texts of one stderr line in azd's JSON formats (`consoleMessage` before 1.23.7, else flat). */
function azdMessages(line: string): string[] {
  const json = parseJsonObject(line.trim());
  if (json === undefined) return [];
  const data = json.data as { message?: unknown } | undefined;
  const parts = [data?.message, json.message, json.suggestion];
  return parts.filter((part): part is string => typeof part === 'string' && part.trim() !== '');
}

/** Reads `azd auth token --output json`: `token`, and `expiresOn` in RFC 3339, read as UTC. */
export function parseAzureDeveloperCliToken(stdout: string): AccessToken {
  const json = parseJsonObject(stdout);
  if (json === undefined) {
    throw new InvalidResponseError(
      'AzureDeveloperCliCredential: Azure Developer CLI printed something that is not the JSON of `azd auth token`.',
    );
  }
  return cliToken(
    'AzureDeveloperCliCredential: Azure Developer CLI',
    json.token,
    parseUtcDateTime(json.expiresOn),
    '"expiresOn"',
  );
}
