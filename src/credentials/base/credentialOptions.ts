import type { ReactiveCredentialOptions } from '../../streams/reactiveCredential.js';
import type { TokenCachePersistenceOptions } from '../../streams/defaultTokenManager.js';
import type { LogSink } from '../../telemetry/logger.js';
import type { Environment } from './authorityHost.js';
import type { CommonClientOptions, LogPolicyOptions, TlsSettings } from './pipelineOptions.js';

/**
 * Options shared by every credential that talks to a Microsoft Entra authority: those of
 * `@azure/identity`'s `TokenCredentialOptions` (the Azure core pipeline's among them, see
 * `CommonClientOptions`) and this package's own.
 */
export interface TokenCredentialOptions extends ReactiveCredentialOptions, CommonClientOptions {
  /** The authority host. Default: `AZURE_AUTHORITY_HOST`, else `https://login.microsoftonline.com`. */
  authorityHost?: string;
  /** Skips instance discovery and authority validation (private clouds, Azure Stack). */
  disableInstanceDiscovery?: boolean;
  /** Trust settings for the authority's TLS certificate, e.g. `{ ca: emulator.ca }` (`ca` only). */
  tlsOptions?: TlsSettings;
  /**
   * Deadline of each HTTP request, in ms: connection, headers and body together (a body trickled
   * a byte at a time fails with a transient `NetworkError` as a silent server does). Default 30 000.
   */
  requestTimeoutMs?: number;
  /** The environment to read variables from. Default `process.env`. */
  env?: Environment;
  /** Logging, as `@azure/identity` names it; the level defaults to `AZURE_LOG_LEVEL`. */
  loggingOptions?: CredentialLoggingOptions;
}

/** `loggingOptions`: the anchor's fields (accepted) and this package's `logLevel` and `sink`. */
export interface CredentialLoggingOptions extends LogPolicyOptions {
  /** This credential's level. Default: the shared level (`AZURE_LOG_LEVEL`, `setLogLevel`). */
  logLevel?: 'verbose' | 'info' | 'warning' | 'error';
  /** Where this credential's (redacted) lines go. Default: the `azure:identity` logger. */
  sink?: LogSink;
  /** As in `@azure/identity`: log the account's identifiers once a sign-in succeeds. */
  allowLoggingAccountIdentifiers?: boolean;
  /** As in `@azure/identity`: personally identifiable information for support (not logged here). */
  enableUnsafeSupportLogging?: boolean;
}

/** Options of credentials that may serve more than their configured tenant (`@azure/identity`'s name). */
export interface MultiTenantTokenCredentialOptions extends TokenCredentialOptions {
  /** Tenants a request's `tenantId` may name besides the configured one; `*` allows any. */
  additionallyAllowedTenants?: string[];
}

/** The same options under this package's earlier name. */
export type MultiTenantCredentialOptions = MultiTenantTokenCredentialOptions;

/** Authority validation, as `@azure/identity` groups it. */
export interface AuthorityValidationOptions {
  /** Skips instance discovery and authority validation (private clouds, Azure Stack). */
  disableInstanceDiscovery?: boolean;
}

/** Persistent token caching, as `@azure/identity` groups it. */
export interface CredentialPersistenceOptions {
  /** See {@link ReactiveCredentialOptions.tokenCachePersistenceOptions}. */
  tokenCachePersistenceOptions?: TokenCachePersistenceOptions;
}
