import type { ReactiveCredentialOptions } from '../../streams/reactiveCredential.js';
import type { LogSink } from '../../telemetry/logger.js';
import type { Environment } from './authorityHost.js';

/** Options shared by every credential that talks to a Microsoft Entra authority. */
export interface TokenCredentialOptions extends ReactiveCredentialOptions {
  /** The authority host. Default: `AZURE_AUTHORITY_HOST`, else `https://login.microsoftonline.com`. */
  authorityHost?: string;
  /** Skips instance discovery and authority validation (private clouds, Azure Stack). */
  disableInstanceDiscovery?: boolean;
  /** Trust settings for the authority's TLS certificate, e.g. `{ ca: emulator.ca }`. */
  tlsOptions?: { ca?: string | string[] };
  /**
   * Deadline of each HTTP request, in ms: connection, headers and body together (a body trickled
   * a byte at a time fails with a transient `NetworkError` as a silent server does). Default 30 000.
   */
  requestTimeoutMs?: number;
  /** The environment to read variables from. Default `process.env`. */
  env?: Environment;
  /** Logging, as `@azure/identity` names it; the level defaults to `AZURE_LOG_LEVEL`. */
  loggingOptions?: { logLevel?: 'verbose' | 'info' | 'warning' | 'error'; sink?: LogSink };
}

/** Options of credentials that may serve more than their configured tenant. */
export interface MultiTenantCredentialOptions extends TokenCredentialOptions {
  /** Tenants a request's `tenantId` may name besides the configured one; `*` allows any. */
  additionallyAllowedTenants?: string[];
}
