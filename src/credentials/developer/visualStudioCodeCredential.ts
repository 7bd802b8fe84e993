import { CredentialUnavailableError } from '../../errors.js';
import { ReactiveCredential } from '../../streams/reactiveCredential.js';
import { createLogger, logLevelFromEnv } from '../../telemetry/logger.js';
import type { MultiTenantCredentialOptions } from '../base/credentialOptions.js';
import { tenantPolicyPart } from '../base/identity.js';
import { checkTenantId, resolveTenant, type TenantPolicy } from '../base/tenantId.js';
import { registeredPlugins } from '../plugins/identityPlugins.js';

const KIND = 'VisualStudioCodeCredential';

/** Options of {@link VisualStudioCodeCredential}, as `@azure/identity` names them. */
export interface VisualStudioCodeCredentialOptions extends MultiTenantCredentialOptions {
  /** The tenant to sign in to. Default `common`. */
  tenantId?: string;
}

/** The client id of VS Code's Azure Resources extension, as `@azure/identity` uses it. */
export const VSCODE_CLIENT_ID = 'aebc6443-996d-45c2-90f0-388ff96faa56';

/** `@azure/identity`'s guidance when VS Code authentication is not set up. */
export const VSCODE_UNAVAILABLE_MESSAGE =
  'Visual Studio Code Authentication is not available.' +
  ' Ensure you have have Azure Resources Extension installed in VS Code,' +
  ' signed into Azure via VS Code, installed the @azure/identity-vscode package,' +
  ' and properly configured the extension.';

/**
 * Why it is unavailable: without the `@azure/identity-vscode` plugin, `@azure/identity`'s guidance;
 * with it, that this build has no broker to sign in through.
 */
function unavailableMessage(): string {
  const plugins = registeredPlugins();
  if (plugins.vsCodeAuthRecordPath === undefined && plugins.vsCodeBroker === undefined) {
    return VSCODE_UNAVAILABLE_MESSAGE;
  }
  return `${KIND}: the @azure/identity-vscode plugin is registered, but Visual Studio Code authentication is not available in reactive-identity: it signs in through the native broker that plugin provides, and this build has no native broker support on this platform. Use AzureCliCredential, AzureDeveloperCliCredential or AzurePowerShellCredential to use a developer sign-in.`;
}

/**
 * The account signed in to Azure in Visual Studio Code (Azure Resources extension), as in
 * `@azure/identity` 4.13: that needs the `@azure/identity-vscode` plugin and its native broker,
 * which this build does not have. The constructor takes the anchor's options and checks them as
 * it does (a malformed tenant is refused, `adfs` is unsupported); `getToken` always throws
 * `CredentialUnavailableError` with the anchor's guidance (or, with the plugin registered, why it
 * still cannot be used), so a chain moves on to the next credential.
 */
export class VisualStudioCodeCredential extends ReactiveCredential {
  private readonly tenants: TenantPolicy;

  /**
   * @param options - Options for configuring the client which makes the authentication request.
   */
  constructor(options: VisualStudioCodeCredentialOptions = {}) {
    super(options);
    const env = options.env ?? process.env;
    const tenantId = options.tenantId ? checkTenantId(options.tenantId) : 'common';
    if (tenantId === 'adfs') {
      throw new CredentialUnavailableError(
        'The VisualStudioCodeCredential does not support authentication with ADFS tenants.',
      );
    }
    this.tenants = {
      tenantId,
      additionallyAllowedTenants: options.additionallyAllowedTenants ?? [],
      env,
    };
    this.logger = createLogger(KIND, {
      level: options.loggingOptions?.logLevel ?? logLevelFromEnv(env),
      sink: options.loggingOptions?.sink,
    });
    this.bind({
      kind: KIND,
      id: `${KIND}|${tenantId}|${tenantPolicyPart(this.tenants)}`,
      label: KIND,
    });
  }

  protected override resolveRequestTenant(tenantId: string | undefined): string {
    return resolveTenant(this.tenants, tenantId);
  }

  protected acquireToken(): never {
    throw new CredentialUnavailableError(unavailableMessage());
  }
}
