/**
 * The rest of `@azure/identity` 4.13's public API, beside anchorApi.ts: the token provider, the
 * shared default credential, the logger, plugins and the two credentials that need them. Compiled
 * twice like anchorApi.ts (against this package here, against `@azure/identity` as
 * anchorApiRuntime.anchor.ts); never run.
 */
import { createClientLogger, type AzureLogger } from '@azure/logger';
import {
  ClientSecretCredential,
  getBearerTokenProvider,
  getDefaultAzureCredential,
  logger,
  useIdentityPlugin,
  UsernamePasswordCredential,
  VisualStudioCodeCredential,
  type GetBearerTokenProviderOptions,
  type IdentityPlugin,
  type TokenCredential,
  type UsernamePasswordCredentialOptions,
  type VisualStudioCodeCredentialOptions,
} from '../../src/index.js';

const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

/** `getBearerTokenProvider`, as the OpenAI SDK's `azureADTokenProvider` takes it. */
export async function bearerTokens(): Promise<string[]> {
  const credential: TokenCredential = new ClientSecretCredential(tenantId, clientId, 'secret');
  const options: GetBearerTokenProviderOptions = {
    abortSignal: AbortSignal.timeout(10_000),
    tracingOptions: { tracingContext: undefined },
  };
  const scope = 'https://cognitiveservices.azure.com/.default';
  const azureADTokenProvider: () => Promise<string> = getBearerTokenProvider(credential, scope);
  const withOptions = getBearerTokenProvider(getDefaultAzureCredential(), [scope], options);
  return [await azureADTokenProvider(), await withOptions()];
}

/** The `azure:identity` logger, redirected and replaced as in the Azure SDK. */
export function logging(): AzureLogger {
  const identityLogger: AzureLogger = logger;
  logger.info('reactive-identity compat: %s', 'info');
  logger.warning.log = (...args: unknown[]) => console.warn(...args);
  logger.verbose = createClientLogger('my-app').verbose;
  const enabled: boolean = logger.error.enabled;
  console.log(enabled, logger.info.namespace);
  return identityLogger;
}

/** `useIdentityPlugin` with a plugin's shape, and the two credentials plugins serve. */
export function plugins(): TokenCredential[] {
  const cachePersistencePlugin: IdentityPlugin = (context: unknown) => {
    const control = (context as { cachePluginControl: { setPersistence(f: unknown): void } })
      .cachePluginControl;
    control.setPersistence(() => Promise.resolve({}));
  };
  useIdentityPlugin(cachePersistencePlugin);
  const usernamePassword: UsernamePasswordCredentialOptions = {
    additionallyAllowedTenants: ['*'],
    disableInstanceDiscovery: true,
    tokenCachePersistenceOptions: { enabled: true },
    authorityHost: 'https://login.microsoftonline.com',
  };
  const vsCode: VisualStudioCodeCredentialOptions = {
    tenantId,
    additionallyAllowedTenants: ['*'],
    authorityHost: 'https://login.microsoftonline.com',
  };
  return [
    getDefaultAzureCredential(),
    new UsernamePasswordCredential(tenantId, clientId, 'ada@contoso.com', 'password'),
    new UsernamePasswordCredential(tenantId, clientId, 'ada', 'pw', usernamePassword),
    new VisualStudioCodeCredential(),
    new VisualStudioCodeCredential(vsCode),
  ];
}
