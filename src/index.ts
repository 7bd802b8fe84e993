/**
 * reactive-identity: Microsoft Entra ID tokens for Node.js services as always-fresh RxJS streams,
 * with the `TokenCredential` face of `@azure/identity`. This file is the only public export list.
 */
export type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

export * from './errors.js';

export { TokenManager, DEFAULT_KEEP_WARM_MS } from './streams/tokenManager.js';
export type {
  TokenManagerOptions,
  AcquireRequest,
  CredentialBinding,
} from './streams/tokenManager.js';
export { ReactiveCredential } from './streams/reactiveCredential.js';
export type {
  ReactiveCredentialOptions,
  TokenStreamOptions,
} from './streams/reactiveCredential.js';
export { getDefaultTokenManager } from './streams/defaultTokenManager.js';
export type { KeySnapshot } from './streams/snapshot.js';
export type { CredentialIdentity, TokenRequest } from './streams/streamKey.js';
export {
  DEFAULT_FORCED_REFRESH_WINDOW_MS,
  DEFAULT_REFRESH_BEFORE_EXPIRY_MS,
  DEFAULT_RETRY_INITIAL_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  DEFAULT_INITIAL_MAX_RETRIES,
} from './streams/policy/refreshPolicy.js';
export type { RefreshPolicyOptions } from './streams/policy/refreshPolicy.js';
export { unrefScheduler } from './streams/clock.js';
export type { RandomSource } from './streams/clock.js';

export type { CacheLayer, CacheLayerEvent, CachedToken } from './cache/cacheLayer.js';
export { MemoryLayer, DEFAULT_MEMORY_MAX_ENTRIES } from './cache/memoryLayer.js';
export type { MemoryLayerOptions } from './cache/memoryLayer.js';

export type {
  TokenEvent,
  TokenEventType,
  KeyState,
  RefreshReason,
  CacheLockOutcome,
} from './telemetry/events.js';
export { ACQUIRE_SPAN_NAME, Attr as TelemetryAttributes } from './telemetry/tracing.js';
export { MetricNames } from './telemetry/metrics.js';
export type { CacheLayerReading } from './telemetry/metrics.js';
export type { LogLevel, LogSink, AzureClientLogger } from './telemetry/logger.js';
/** `@azure/identity`'s `logger` (`azure:identity`), and `@azure/logger`'s level and redirection. */
export { logger, setLogLevel, getLogLevel, AzureLogger } from './telemetry/logger.js';
export { getBearerTokenProvider } from './streams/bearerTokenProvider.js';
export type { GetBearerTokenProviderOptions } from './streams/bearerTokenProvider.js';
export { useIdentityPlugin } from './credentials/plugins/identityPlugins.js';
export type { IdentityPlugin } from './credentials/plugins/identityPlugins.js';

export { AzureAuthorityHosts } from './credentials/base/authorityHost.js';
export type {
  TokenCredentialOptions,
  MultiTenantCredentialOptions,
} from './credentials/base/credentialOptions.js';
export { ClientSecretCredential } from './credentials/servicePrincipal/clientSecretCredential.js';
export type { ClientSecretCredentialOptions } from './credentials/servicePrincipal/clientSecretCredential.js';
export {
  ChainedTokenCredential,
  CHAIN_LINK_SPAN_NAME,
} from './credentials/chain/chainedTokenCredential.js';
export {
  ClientCertificateCredential,
  CertificateCredential,
} from './credentials/servicePrincipal/clientCertificateCredential.js';
export type {
  ClientCertificateCredentialOptions,
  ClientCertificateCredentialPEMConfiguration,
} from './credentials/servicePrincipal/clientCertificateCredential.js';
export { ClientAssertionCredential } from './credentials/servicePrincipal/clientAssertionCredential.js';
export type { ClientAssertionCredentialOptions } from './credentials/servicePrincipal/clientAssertionCredential.js';
export { EnvironmentCredential } from './credentials/servicePrincipal/environmentCredential.js';
export type { EnvironmentCredentialOptions } from './credentials/servicePrincipal/environmentCredential.js';
export { OnBehalfOfCredential } from './credentials/servicePrincipal/onBehalfOfCredential.js';
export type { OnBehalfOfCredentialOptions } from './credentials/servicePrincipal/onBehalfOfCredential.js';
export { AuthorizationCodeCredential } from './credentials/user/authorizationCodeCredential.js';
export type { AuthorizationCodeCredentialOptions } from './credentials/user/authorizationCodeCredential.js';
export { DeviceCodeCredential } from './credentials/user/deviceCodeCredential.js';
export type {
  DeviceCodeCredentialOptions,
  DeviceCodeInfo,
  DeviceCodePromptCallback,
} from './credentials/user/deviceCodeCredential.js';
export { InteractiveBrowserCredential } from './credentials/user/interactiveBrowserCredential.js';
export type {
  InteractiveBrowserCredentialNodeOptions,
  BrowserOpener,
} from './credentials/user/interactiveBrowserCredential.js';
export type {
  InteractiveCredentialOptions,
  AuthenticateOptions,
} from './credentials/user/userCredential.js';
export { UsernamePasswordCredential } from './credentials/user/usernamePasswordCredential.js';
export type { UsernamePasswordCredentialOptions } from './credentials/user/usernamePasswordCredential.js';
export { VisualStudioCodeCredential } from './credentials/developer/visualStudioCodeCredential.js';
export type { VisualStudioCodeCredentialOptions } from './credentials/developer/visualStudioCodeCredential.js';
export {
  serializeAuthenticationRecord,
  deserializeAuthenticationRecord,
} from './credentials/user/authenticationRecord.js';
export type { AuthenticationRecord } from './credentials/user/authenticationRecord.js';
export { MemoryMsalCacheStore } from './cache/msalCacheStore.js';
export type { MsalCacheStore } from './cache/msalCacheStore.js';
export { ManagedIdentityCredential } from './credentials/managedIdentity/managedIdentityCredential.js';
export type { ManagedIdentityCredentialOptions } from './credentials/managedIdentity/managedIdentityCredential.js';
export { WorkloadIdentityCredential } from './credentials/federated/workloadIdentityCredential.js';
export type { WorkloadIdentityCredentialOptions } from './credentials/federated/workloadIdentityCredential.js';
export { AzurePipelinesCredential } from './credentials/federated/azurePipelinesCredential.js';
export type { AzurePipelinesCredentialOptions } from './credentials/federated/azurePipelinesCredential.js';
export { DEFAULT_CLI_PROCESS_TIMEOUT_MS } from './credentials/developer/developerCliCredential.js';
export type {
  DeveloperCliCredential,
  DeveloperCliCredentialOptions,
} from './credentials/developer/developerCliCredential.js';
export { AzureCliCredential } from './credentials/developer/azureCliCredential.js';
export type { AzureCliCredentialOptions } from './credentials/developer/azureCliCredential.js';
export { AzureDeveloperCliCredential } from './credentials/developer/azureDeveloperCliCredential.js';
export type { AzureDeveloperCliCredentialOptions } from './credentials/developer/azureDeveloperCliCredential.js';
export { AzurePowerShellCredential } from './credentials/developer/azurePowerShellCredential.js';
export type { AzurePowerShellCredentialOptions } from './credentials/developer/azurePowerShellCredential.js';
export {
  DefaultAzureCredential,
  AZURE_TOKEN_CREDENTIALS_VALUES,
  DEFAULT_MANAGED_IDENTITY_PROBE_TIMEOUT_MS,
} from './credentials/chain/defaultAzureCredential.js';
export type { DefaultAzureCredentialOptions } from './credentials/chain/defaultAzureCredential.js';
export { getDefaultAzureCredential } from './credentials/chain/getDefaultAzureCredential.js';
export type {
  TokenCachePersistenceOptions,
  DefaultTokenManagerOptions,
} from './streams/defaultTokenManager.js';
export type { PersistenceOptions } from './cache/persistenceOptions.js';
export { DEFAULT_CACHE_NAME } from './cache/persistenceOptions.js';
export { REACTIVE_IDENTITY_CACHE_KEY } from './cache/encryption.js';
export { DiskLayer } from './cache/diskLayer.js';
export type { DiskLayerOptions } from './cache/diskLayer.js';
export { DiskMsalCacheStore } from './cache/diskMsalCacheStore.js';
export { defaultCacheDirectory } from './cache/cacheDirectory.js';
export { RedisLayer } from './cache/redis/redisLayer.js';
export type { RedisLayerOptions } from './cache/redis/redisLayer.js';
export {
  REACTIVE_IDENTITY_REDIS_URL,
  DEFAULT_REDIS_LOCK_TTL_MS,
  DEFAULT_REDIS_LOCK_WAIT_MS,
  DEFAULT_REDIS_TIMEOUT_MS,
} from './cache/redis/redisOptions.js';
export type { DistributedCacheOptions } from './cache/redis/redisOptions.js';

// The rest of `@azure/identity` 4.13's exported types, under its names (test/compat checks them).
// (AuthenticationRequiredErrorOptions and the errors' other types come with `export *` above.)
export type {
  MultiTenantTokenCredentialOptions,
  AuthorityValidationOptions,
  CredentialPersistenceOptions,
  CredentialLoggingOptions,
} from './credentials/base/credentialOptions.js';
export type {
  CommonClientOptions,
  PipelineHttpClient,
  PipelinePolicyLike,
  AdditionalPolicyConfig,
  PipelineRetryOptions,
  ProxySettings,
  PipelineAgent,
  TlsSettings,
  TlsKeyObject,
  TlsPfxObject,
  RedirectPolicyOptions,
  UserAgentPolicyOptions,
  TelemetryOptions,
  LogPolicyOptions,
} from './credentials/base/pipelineOptions.js';
export type {
  ClientCertificatePEMCertificate,
  ClientCertificatePEMCertificatePath,
} from './credentials/servicePrincipal/clientCertificateCredential.js';
export type {
  OnBehalfOfCredentialSecretOptions,
  OnBehalfOfCredentialCertificateOptions,
  OnBehalfOfCredentialAssertionOptions,
} from './credentials/servicePrincipal/onBehalfOfCredential.js';
export type {
  ManagedIdentityCredentialClientIdOptions,
  ManagedIdentityCredentialResourceIdOptions,
  ManagedIdentityCredentialObjectIdOptions,
} from './credentials/managedIdentity/managedIdentityCredential.js';
export type {
  DefaultAzureCredentialClientIdOptions,
  DefaultAzureCredentialResourceIdOptions,
  DefaultAzureCredentialEnvVars,
} from './credentials/chain/defaultAzureCredential.js';
export type {
  InteractiveBrowserCredentialInBrowserOptions,
  BrowserCustomizationOptions,
  BrowserLoginStyle,
  BrokerOptions,
  BrokerEnabledOptions,
  BrokerDisabledOptions,
  BrokerAuthOptions,
} from './credentials/user/interactiveBrowserCredential.js';
