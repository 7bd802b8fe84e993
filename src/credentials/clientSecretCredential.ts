import type { AccessToken } from '@azure/core-auth';
import { CredentialUnavailableError } from '../errors.js';
import { ReactiveCredential } from '../streams/reactiveCredential.js';
import type { AcquireRequest } from '../streams/tokenManager.js';
import { createLogger, logLevelFromEnv } from '../telemetry/logger.js';
import { resolveAuthorityHost } from './authorityHost.js';
import type { MultiTenantCredentialOptions } from './credentialOptions.js';
import { fingerprint } from './identity.js';
import { ConfidentialClient } from './msal/confidentialClient.js';
import { MsalNetworkClient } from './msal/networkClient.js';
import { checkTenantId, resolveTenant, type TenantPolicy } from './tenantId.js';

/** Options of {@link ClientSecretCredential}. */
export type ClientSecretCredentialOptions = MultiTenantCredentialOptions;

/**
 * Authenticates a service principal with a client secret (OAuth 2.0 client credentials), with the
 * constructor of `@azure/identity`.
 *
 * @example
 * ```ts
 * const credential = new ClientSecretCredential(tenantId, clientId, clientSecret);
 * const token = await credential.getToken('https://storage.azure.com/.default');
 * credential.token$('https://vault.azure.net/.default').subscribe((t) => use(t.token));
 * ```
 */
export class ClientSecretCredential extends ReactiveCredential {
  private readonly tenants: TenantPolicy;
  private readonly client: ConfidentialClient;
  private readonly network: MsalNetworkClient;

  constructor(
    tenantId: string,
    clientId: string,
    clientSecret: string,
    options: ClientSecretCredentialOptions = {},
  ) {
    super(options);
    const kind = 'ClientSecretCredential';
    for (const [name, value] of [
      ['tenantId', tenantId],
      ['clientId', clientId],
      ['clientSecret', clientSecret],
    ]) {
      if (typeof value !== 'string' || value === '') {
        throw new CredentialUnavailableError(
          `${kind}: ${name} is a required parameter. See https://aka.ms/azsdk/js/identity/serviceprincipalauthentication/troubleshoot`,
        );
      }
    }
    const env = options.env ?? process.env;
    const authorityHost = resolveAuthorityHost(options.authorityHost, env);
    this.tenants = {
      tenantId: checkTenantId(tenantId),
      additionallyAllowedTenants: options.additionallyAllowedTenants ?? [],
      env,
    };
    const logger = createLogger(kind, {
      level: options.loggingOptions?.logLevel ?? logLevelFromEnv(env),
      sink: options.loggingOptions?.sink,
      secrets: [clientSecret],
    });
    this.logger = logger;
    this.network = new MsalNetworkClient({
      ca: options.tlsOptions?.ca,
      timeoutMs: options.requestTimeoutMs,
    });
    this.client = new ConfidentialClient({
      clientId,
      authorityHost,
      proof: { clientSecret },
      network: this.network,
      logger,
      secrets: [clientSecret],
    });
    this.bind({
      kind,
      id: `${kind}|${authorityHost}|${tenantId}|${clientId}|${fingerprint(clientSecret)}|${this.tenants.additionallyAllowedTenants.join(',')}`,
      label: `${kind}(${clientId})`,
    });
  }

  protected override resolveRequestTenant(tenantId: string | undefined): string {
    return resolveTenant(this.tenants, tenantId);
  }

  protected acquireToken(request: AcquireRequest): Promise<AccessToken> {
    return this.client.acquireByClientCredential(request);
  }

  override async close(): Promise<void> {
    await super.close();
    this.network.close();
  }
}
