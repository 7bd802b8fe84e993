import type { SchedulerLike } from 'rxjs';
import { CredentialUnavailableError } from '../../errors.js';
import { createLogger, logLevelFromEnv, type IdentityLogger } from '../../telemetry/logger.js';
import { resolveAuthorityHost, type Environment } from './authorityHost.js';
import type { MultiTenantCredentialOptions } from './credentialOptions.js';
import { ProxyAgents } from '../http/proxyAgents.js';
import { MsalNetworkClient, type RequestRoute } from '../msal/networkClient.js';
import { trustedCa } from './pipelineOptions.js';
import { checkTenantId, type TenantPolicy } from './tenantId.js';

/** What every Entra credential derives from its options, in one place. */
export interface CredentialContext {
  kind: string;
  env: Environment;
  authorityHost: string;
  logger: IdentityLogger;
  network: MsalNetworkClient;
  tenants: TenantPolicy;
}

/** Options one credential of this package passes to another it wraps; not public. */
export interface InternalCredentialOptions {
  /** Where the network module really sends requests (the AKS token proxy). */
  requestRoute?: RequestRoute;
}

/**
 * Throws `CredentialUnavailableError` naming the first missing required argument, as the anchor's
 * constructors do.
 */
export function requireArguments(kind: string, args: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined || value === null || value === '') {
      throw new CredentialUnavailableError(
        `${kind}: ${name} is a required parameter. See https://aka.ms/azsdk/js/identity/troubleshoot`,
      );
    }
  }
}

/** Resolves the environment, authority host, tenant policy, logger and network module. */
export function credentialContext(
  kind: string,
  tenantId: string,
  options: MultiTenantCredentialOptions & InternalCredentialOptions,
  secrets: readonly string[],
  scheduler: SchedulerLike,
): CredentialContext {
  const env = options.env ?? process.env;
  const authorityHost = resolveAuthorityHost(options.authorityHost, env);
  const tenants: TenantPolicy = {
    tenantId: checkTenantId(tenantId),
    additionallyAllowedTenants: options.additionallyAllowedTenants ?? [],
    env,
  };
  const logger = createLogger(kind, {
    level: options.loggingOptions?.logLevel ?? logLevelFromEnv(env),
    sink: options.loggingOptions?.sink,
    secrets,
  });
  const network = new MsalNetworkClient({
    ca: trustedCa(options.tlsOptions),
    timeoutMs: options.requestTimeoutMs,
    scheduler,
    route: options.requestRoute,
    proxy: ProxyAgents.from(options.proxyOptions, env),
  });
  return { kind, env, authorityHost, logger, network, tenants };
}
