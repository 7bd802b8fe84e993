/**
 * Code written against the public API of `@azure/identity` 4.13, all of it: each credential built
 * with every constructor shape the anchor declares and every option filled in, every exported type
 * used, the errors built with the anchor's constructors and read through its fields, and the
 * functions called as its documentation shows.
 *
 * `tsc --noEmit -p .` (the first step of `npm test`) compiles this file twice: as anchorApi.ts
 * against this package and as anchorApi.anchor.ts against `@azure/identity`. The two files differ
 * only in the module name, which twins.test.ts checks (it also writes the twin:
 * `npm run compat:sync`). Nothing here runs: compiling is the test.
 */
import { Agent } from 'node:https';
import { createDefaultHttpClient, type PipelinePolicy } from '@azure/core-rest-pipeline';
import { createClientLogger } from '@azure/logger';
import {
  AggregateAuthenticationError,
  AggregateAuthenticationErrorName,
  AuthenticationError,
  AuthenticationErrorName,
  AuthenticationRequiredError,
  AuthorizationCodeCredential,
  AzureAuthorityHosts,
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePipelinesCredential,
  AzurePowerShellCredential,
  ChainedTokenCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  CredentialUnavailableError,
  CredentialUnavailableErrorName,
  DefaultAzureCredential,
  DeviceCodeCredential,
  EnvironmentCredential,
  InteractiveBrowserCredential,
  ManagedIdentityCredential,
  OnBehalfOfCredential,
  WorkloadIdentityCredential,
  deserializeAuthenticationRecord,
  serializeAuthenticationRecord,
  type AccessToken,
  type AuthenticationRecord,
  type AuthenticationRequiredErrorOptions,
  type AuthorityValidationOptions,
  type AuthorizationCodeCredentialOptions,
  type AzureCliCredentialOptions,
  type AzureDeveloperCliCredentialOptions,
  type AzurePipelinesCredentialOptions,
  type AzurePowerShellCredentialOptions,
  type BrokerAuthOptions,
  type BrokerDisabledOptions,
  type BrokerEnabledOptions,
  type BrokerOptions,
  type BrowserCustomizationOptions,
  type BrowserLoginStyle,
  type ClientAssertionCredentialOptions,
  type ClientCertificateCredentialOptions,
  type ClientCertificateCredentialPEMConfiguration,
  type ClientCertificatePEMCertificate,
  type ClientCertificatePEMCertificatePath,
  type ClientSecretCredentialOptions,
  type CredentialPersistenceOptions,
  type DefaultAzureCredentialClientIdOptions,
  type DefaultAzureCredentialEnvVars,
  type DefaultAzureCredentialOptions,
  type DefaultAzureCredentialResourceIdOptions,
  type DeviceCodeCredentialOptions,
  type DeviceCodeInfo,
  type DeviceCodePromptCallback,
  type EnvironmentCredentialOptions,
  type ErrorResponse,
  type GetTokenOptions,
  type InteractiveBrowserCredentialInBrowserOptions,
  type InteractiveBrowserCredentialNodeOptions,
  type InteractiveCredentialOptions,
  type ManagedIdentityCredentialClientIdOptions,
  type ManagedIdentityCredentialObjectIdOptions,
  type ManagedIdentityCredentialResourceIdOptions,
  type MultiTenantTokenCredentialOptions,
  type OnBehalfOfCredentialAssertionOptions,
  type OnBehalfOfCredentialCertificateOptions,
  type OnBehalfOfCredentialOptions,
  type OnBehalfOfCredentialSecretOptions,
  type TokenCachePersistenceOptions,
  type TokenCredential,
  type TokenCredentialOptions,
  type WorkloadIdentityCredentialOptions,
} from '../../src/index.js';

const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const scopes = ['https://vault.azure.net/.default'];

/** Every option of `TokenCredentialOptions`, the Azure core pipeline's among them. */
export function tokenCredentialOptions(): TokenCredentialOptions {
  const policy: PipelinePolicy = {
    name: 'addHeader',
    sendRequest: (request, next) => {
      request.headers.set('x-app', 'compat');
      return next(request);
    },
  };
  return {
    authorityHost: AzureAuthorityHosts.AzurePublicCloud,
    httpClient: createDefaultHttpClient(),
    allowInsecureConnection: false,
    additionalPolicies: [
      { policy, position: 'perCall' },
      { policy, position: 'perRetry' },
    ],
    retryOptions: { maxRetries: 3, retryDelayInMs: 800, maxRetryDelayInMs: 64_000 },
    proxyOptions: { host: 'http://proxy.example', port: 8080, username: 'u', password: 'p' },
    agent: new Agent({ keepAlive: true }),
    tlsOptions: {
      ca: ['-----BEGIN CERTIFICATE-----', Buffer.from('der')],
      cert: '-----BEGIN CERTIFICATE-----',
      key: Buffer.from('key'),
      pfx: Buffer.from('pfx'),
      passphrase: 'passphrase',
    },
    redirectOptions: { maxRetries: 20 },
    userAgentOptions: { userAgentPrefix: 'my-app/1.0' },
    telemetryOptions: { clientRequestIdHeaderName: 'x-ms-client-request-id' },
    loggingOptions: {
      allowLoggingAccountIdentifiers: true,
      enableUnsafeSupportLogging: false,
      additionalAllowedHeaderNames: ['x-ms-request-id'],
      additionalAllowedQueryParameters: ['api-version'],
      logger: createClientLogger('my-app').info,
    },
  };
}

const common: TokenCredentialOptions = tokenCredentialOptions();
const multiTenant: MultiTenantTokenCredentialOptions = {
  ...common,
  additionallyAllowedTenants: ['*', '11111111-1111-1111-1111-111111111111'],
};
const tokenCachePersistenceOptions: TokenCachePersistenceOptions = {
  enabled: true,
  name: 'my-app',
  unsafeAllowUnencryptedStorage: true,
};
const persistence: CredentialPersistenceOptions = { tokenCachePersistenceOptions };
const authorityValidation: AuthorityValidationOptions = { disableInstanceDiscovery: true };
const record: AuthenticationRecord = {
  authority: 'login.microsoftonline.com',
  homeAccountId: 'home.tenant',
  clientId,
  tenantId,
  username: 'ada@contoso.com',
};
const interactive: InteractiveCredentialOptions = {
  ...multiTenant,
  ...authorityValidation,
  authenticationRecord: record,
  disableAutomaticAuthentication: true,
};
const getTokenOptions: GetTokenOptions = {
  abortSignal: new AbortController().signal,
  requestOptions: { timeout: 10_000 },
  tracingOptions: { tracingContext: undefined },
  claims: '{"access_token":{"nbf":{"essential":true}}}',
  enableCae: true,
  tenantId,
};

/** The service principal credentials, each constructor shape, each option. */
export function servicePrincipals(): TokenCredential[] {
  const secretOptions: ClientSecretCredentialOptions = {
    ...multiTenant,
    ...persistence,
    ...authorityValidation,
  };
  const pemPath: ClientCertificatePEMCertificatePath = {
    certificatePath: '/secrets/app.pem',
    certificatePassword: 'pw',
  };
  const pemText: ClientCertificatePEMCertificate = {
    certificate: '-----BEGIN CERTIFICATE-----',
    certificatePassword: 'pw',
  };
  const pem: ClientCertificateCredentialPEMConfiguration = Math.random() > 0.5 ? pemPath : pemText;
  const certificateOptions: ClientCertificateCredentialOptions = {
    ...multiTenant,
    ...persistence,
    ...authorityValidation,
    sendCertificateChain: true,
  };
  const assertionOptions: ClientAssertionCredentialOptions = {
    ...multiTenant,
    ...persistence,
    ...authorityValidation,
  };
  const environmentOptions: EnvironmentCredentialOptions = {
    ...multiTenant,
    ...authorityValidation,
  };
  const pipelinesOptions: AzurePipelinesCredentialOptions = {
    ...multiTenant,
    ...persistence,
    ...authorityValidation,
  };
  const workloadOptions: WorkloadIdentityCredentialOptions = {
    ...multiTenant,
    ...authorityValidation,
    tenantId,
    clientId,
    tokenFilePath: '/var/run/secrets/azure/tokens/azure-identity-token',
  };
  const getAssertion = (): Promise<string> => Promise.resolve('eyJ...');
  const oboSecret: OnBehalfOfCredentialSecretOptions = {
    tenantId,
    clientId,
    clientSecret: 'secret',
    userAssertionToken: 'user-token',
  };
  const oboCertificate: OnBehalfOfCredentialCertificateOptions = {
    tenantId,
    clientId,
    certificatePath: '/secrets/app.pem',
    userAssertionToken: 'user-token',
    sendCertificateChain: true,
  };
  const oboAssertion: OnBehalfOfCredentialAssertionOptions = {
    tenantId,
    clientId,
    getAssertion,
    userAssertionToken: 'user-token',
  };
  const oboOptions: OnBehalfOfCredentialOptions = {
    ...oboSecret,
    ...multiTenant,
    ...persistence,
    ...authorityValidation,
  };
  return [
    new ClientSecretCredential(tenantId, clientId, 'secret'),
    new ClientSecretCredential(tenantId, clientId, 'secret', secretOptions),
    new ClientCertificateCredential(tenantId, clientId, '/secrets/app.pem'),
    new ClientCertificateCredential(tenantId, clientId, '/secrets/app.pem', certificateOptions),
    new ClientCertificateCredential(tenantId, clientId, pemPath),
    new ClientCertificateCredential(tenantId, clientId, pemPath, certificateOptions),
    new ClientCertificateCredential(tenantId, clientId, pemText, certificateOptions),
    new ClientCertificateCredential(tenantId, clientId, { certificate: 'PEM' }),
    new ClientCertificateCredential(tenantId, clientId, { certificatePath: '/app.pem' }),
    new ClientCertificateCredential(tenantId, clientId, pemText),
    'certificate' in pem
      ? new ClientCertificateCredential(tenantId, clientId, pem)
      : new ClientCertificateCredential(tenantId, clientId, pem),
    new ClientAssertionCredential(tenantId, clientId, getAssertion),
    new ClientAssertionCredential(tenantId, clientId, getAssertion, assertionOptions),
    new EnvironmentCredential(),
    new EnvironmentCredential(environmentOptions),
    new AzurePipelinesCredential(tenantId, clientId, 'service-connection', 'system-token'),
    new AzurePipelinesCredential(tenantId, clientId, 'connection', 'token', pipelinesOptions),
    new WorkloadIdentityCredential(),
    new WorkloadIdentityCredential(workloadOptions),
    new OnBehalfOfCredential(oboSecret),
    new OnBehalfOfCredential(oboCertificate),
    new OnBehalfOfCredential(oboAssertion),
    new OnBehalfOfCredential({ ...oboSecret, ...multiTenant, ...persistence }),
    new OnBehalfOfCredential({ ...oboCertificate, ...multiTenant, ...persistence }),
    new OnBehalfOfCredential({ ...oboAssertion, ...multiTenant, ...persistence }),
    new OnBehalfOfCredential(oboOptions),
  ];
}

/** Managed identity, each constructor shape. */
export function managedIdentities(): TokenCredential[] {
  const byClientId: ManagedIdentityCredentialClientIdOptions = { ...common, clientId };
  const byResourceId: ManagedIdentityCredentialResourceIdOptions = {
    ...common,
    resourceId: '/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/x/id',
  };
  const byObjectId: ManagedIdentityCredentialObjectIdOptions = { ...common, objectId: 'object' };
  return [
    new ManagedIdentityCredential(),
    new ManagedIdentityCredential(clientId),
    new ManagedIdentityCredential(clientId, common),
    new ManagedIdentityCredential(byClientId),
    new ManagedIdentityCredential(byResourceId),
    new ManagedIdentityCredential(byObjectId),
    new ManagedIdentityCredential({ clientId }),
    new ManagedIdentityCredential({ resourceId: 'resource' }),
    new ManagedIdentityCredential({ objectId: 'object' }),
    new ManagedIdentityCredential({ retryOptions: { maxRetries: 2, retryDelayInMs: 100 } }),
  ];
}

/** The developer tools and the chains. */
export function developerToolsAndChains(): TokenCredential[] {
  const cli: AzureCliCredentialOptions = {
    ...multiTenant,
    tenantId,
    processTimeoutInMs: 20_000,
    subscription: 'my-subscription',
  };
  const azd: AzureDeveloperCliCredentialOptions = {
    ...multiTenant,
    tenantId,
    processTimeoutInMs: 20_000,
  };
  const powerShell: AzurePowerShellCredentialOptions = {
    ...multiTenant,
    tenantId,
    processTimeoutInMs: 20_000,
  };
  const one: DefaultAzureCredentialEnvVars = 'AZURE_CLIENT_ID';
  const all: DefaultAzureCredentialEnvVars[] = [
    'AZURE_TOKEN_CREDENTIALS',
    'AZURE_CLIENT_ID',
    'AZURE_TENANT_ID',
    'AZURE_CLIENT_SECRET',
    'AZURE_CLIENT_CERTIFICATE_PATH',
    'AZURE_CLIENT_CERTIFICATE_PASSWORD',
    'AZURE_ADDITIONALLY_ALLOWED_TENANTS',
    'AZURE_CLIENT_SEND_CERTIFICATE_CHAIN',
    'AZURE_FEDERATED_TOKEN_FILE',
  ];
  const dac: DefaultAzureCredentialOptions = {
    ...multiTenant,
    ...authorityValidation,
    tenantId,
    processTimeoutInMs: 20_000,
    requiredEnvVars: one,
  };
  const dacClientId: DefaultAzureCredentialClientIdOptions = {
    ...dac,
    requiredEnvVars: all,
    managedIdentityClientId: clientId,
    workloadIdentityClientId: clientId,
  };
  const dacResourceId: DefaultAzureCredentialResourceIdOptions = {
    ...dac,
    managedIdentityResourceId: '/subscriptions/s/resourceGroups/g/providers/x/identity',
  };
  const first = new AzureCliCredential(cli);
  const second = new AzureDeveloperCliCredential(azd);
  return [
    first,
    second,
    new AzureCliCredential(),
    new AzureDeveloperCliCredential(),
    new AzurePowerShellCredential(),
    new AzurePowerShellCredential(powerShell),
    new ChainedTokenCredential(),
    new ChainedTokenCredential(first),
    new ChainedTokenCredential(first, second, new AzurePowerShellCredential()),
    new ChainedTokenCredential(...[first, second]),
    new DefaultAzureCredential(),
    new DefaultAzureCredential(dac),
    new DefaultAzureCredential(dacClientId),
    new DefaultAzureCredential(dacResourceId),
    new DefaultAzureCredential({ managedIdentityClientId: clientId }),
    new DefaultAzureCredential({ managedIdentityResourceId: 'resource' }),
    new DefaultAzureCredential({ requiredEnvVars: ['AZURE_TENANT_ID'] }),
  ];
}

/** The credentials that sign a user in, and `authenticate`. */
export async function userCredentials(): Promise<TokenCredential[]> {
  const brokerEnabled: BrokerEnabledOptions = {
    enabled: true,
    parentWindowHandle: new Uint8Array(8),
    legacyEnableMsaPassthrough: true,
    useDefaultBrokerAccount: true,
  };
  const brokerDisabled: BrokerDisabledOptions = {
    enabled: false,
    parentWindowHandle: undefined,
    legacyEnableMsaPassthrough: undefined,
  };
  const brokerOptions: BrokerOptions = Math.random() > 0.5 ? brokerEnabled : brokerDisabled;
  const broker: BrokerAuthOptions = { brokerOptions };
  const customization: BrowserCustomizationOptions = {
    browserCustomizationOptions: { successMessage: 'Signed in.', errorMessage: 'Failed: {0}' },
  };
  const loginStyle: BrowserLoginStyle = 'popup';
  const browserNode: InteractiveBrowserCredentialNodeOptions = {
    ...interactive,
    ...persistence,
    ...customization,
    ...broker,
    redirectUri: 'http://localhost:8400',
    tenantId,
    clientId,
    loginHint: 'ada@contoso.com',
  };
  const browserInBrowser: InteractiveBrowserCredentialInBrowserOptions = {
    ...interactive,
    redirectUri: () => 'http://localhost:8400',
    tenantId,
    clientId,
    loginStyle,
    loginHint: 'ada@contoso.com',
  };
  const promptCallback: DeviceCodePromptCallback = (info: DeviceCodeInfo) => {
    const shown: string[] = [info.userCode, info.verificationUri, info.message];
    console.log(shown.join(' '));
  };
  const deviceCode: DeviceCodeCredentialOptions = {
    ...interactive,
    ...persistence,
    tenantId,
    clientId,
    userPromptCallback: promptCallback,
  };
  promptCallback({
    userCode: 'ABCD',
    verificationUri: 'https://microsoft.com/devicelogin',
    message: 'Go',
  });
  const authorizationCode: AuthorizationCodeCredentialOptions = {
    ...multiTenant,
    ...authorityValidation,
  };

  const browser = new InteractiveBrowserCredential(browserNode);
  const device = new DeviceCodeCredential(deviceCode);
  const records: (AuthenticationRecord | undefined)[] = [
    await browser.authenticate(scopes),
    await browser.authenticate('https://graph.microsoft.com/.default', getTokenOptions),
    await device.authenticate(scopes),
    await device.authenticate(scopes, getTokenOptions),
  ];
  const serialized: string = serializeAuthenticationRecord(records[0] ?? record);
  const restored: AuthenticationRecord = deserializeAuthenticationRecord(serialized);
  const fields: string[] = [
    restored.authority,
    restored.homeAccountId,
    restored.clientId,
    restored.tenantId,
    restored.username,
  ];
  console.log(fields.length);
  return [
    browser,
    device,
    new InteractiveBrowserCredential(browserInBrowser),
    new InteractiveBrowserCredential({ clientId, loginStyle: 'redirect' }),
    new InteractiveBrowserCredential({ redirectUri: () => 'http://localhost' }),
    new InteractiveBrowserCredential({ brokerOptions: brokerEnabled }),
    new InteractiveBrowserCredential({ authenticationRecord: restored }),
    new DeviceCodeCredential(),
    new DeviceCodeCredential({ userPromptCallback: (info) => console.log(info.message) }),
    new AuthorizationCodeCredential(tenantId, clientId, 'secret', 'code', 'http://localhost'),
    new AuthorizationCodeCredential(
      'common',
      clientId,
      'secret',
      'code',
      'https://app',
      authorizationCode,
    ),
    new AuthorizationCodeCredential(tenantId, clientId, 'code', 'http://localhost'),
    new AuthorizationCodeCredential(tenantId, clientId, 'code', 'https://app', authorizationCode),
  ];
}

/** `getToken` on every credential, as the Azure SDK clients call it. */
export async function tokens(credentials: TokenCredential[]): Promise<AccessToken[]> {
  const issued: AccessToken[] = [];
  for (const credential of credentials) {
    const token = await credential.getToken(scopes);
    if (token !== null) issued.push(token);
    const again: AccessToken | null = await credential.getToken(scopes[0]!, getTokenOptions);
    if (again) issued.push(again);
  }
  const expiresOn: number = issued[0]!.expiresOnTimestamp;
  const refreshAfter: number | undefined = issued[0]!.refreshAfterTimestamp;
  const tokenType: 'Bearer' | 'pop' | undefined = issued[0]!.tokenType;
  console.log(expiresOn, refreshAfter, tokenType);
  return issued;
}

/** The errors, built with the anchor's constructors and read through its fields. */
export function errors(): Error[] {
  const oauthBody = {
    error: 'invalid_client',
    error_description: 'AADSTS7000215: Invalid client secret provided.',
    error_codes: [7000215],
    timestamp: '2024-05-01 10:00:00Z',
    trace_id: 'trace',
    correlation_id: 'correlation',
  };
  const fromBody = new AuthenticationError(401, oauthBody);
  const fromText = new AuthenticationError(
    400,
    '{"error":"invalid_grant","error_description":"x"}',
  );
  const fromHtml = new AuthenticationError(502, '<html>Bad gateway</html>');
  const fromNothing = new AuthenticationError(503, undefined, { cause: new Error('reset') });
  const fromNull = new AuthenticationError(500, null);
  const fromObject = new AuthenticationError(500, { unexpected: true });
  const statusCode: number = fromBody.statusCode;
  const response: ErrorResponse = fromBody.errorResponse;
  const details: (string | number[] | undefined)[] = [
    response.error,
    response.errorDescription,
    response.errorCodes,
    response.timestamp,
    response.traceId,
    response.correlationId,
  ];
  console.log(statusCode, details);

  const requiredOptions: AuthenticationRequiredErrorOptions = { scopes };
  const required = new AuthenticationRequiredError({
    scopes,
    getTokenOptions,
    message: 'Interactive authentication is required.',
    cause: fromBody,
  });
  const requiredScopes: string[] = required.scopes;
  const requiredOptionsSeen: GetTokenOptions | undefined = required.getTokenOptions;
  console.log(requiredScopes, requiredOptionsSeen?.tenantId);

  const unavailable = [
    new CredentialUnavailableError(),
    new CredentialUnavailableError('Azure CLI not found.'),
    new CredentialUnavailableError('Azure CLI not found.', { cause: fromNothing }),
  ];
  const aggregate = new AggregateAuthenticationError([fromBody, ...unavailable]);
  const withMessage = new AggregateAuthenticationError([fromBody], 'All credentials failed.');
  const firstMessage: string = aggregate.errors[0].message;
  const collected: unknown[] = withMessage.errors;
  console.log(firstMessage, collected.length);

  const names: string[] = [
    CredentialUnavailableErrorName satisfies 'CredentialUnavailableError',
    AuthenticationErrorName satisfies 'AuthenticationError',
    AggregateAuthenticationErrorName satisfies 'AggregateAuthenticationError',
  ];
  const caught: unknown = fromText;
  if (caught instanceof AuthenticationError && names.includes(caught.name)) {
    console.log(caught.errorResponse.errorDescription, caught.statusCode);
  }
  if (
    caught instanceof CredentialUnavailableError ||
    caught instanceof AggregateAuthenticationError
  ) {
    console.log(caught.message);
  }
  if (caught instanceof AuthenticationRequiredError) console.log(caught.getTokenOptions?.claims);
  return [
    fromBody,
    fromText,
    fromHtml,
    fromNothing,
    fromNull,
    fromObject,
    new AuthenticationRequiredError(requiredOptions),
    required,
    ...unavailable,
    aggregate,
    withMessage,
  ];
}

/** The national clouds. */
export function authorityHosts(): string[] {
  const host: AzureAuthorityHosts = AzureAuthorityHosts.AzureChina;
  return [
    host,
    AzureAuthorityHosts.AzureGovernment,
    AzureAuthorityHosts.AzurePublicCloud,
    AzureAuthorityHosts.AzureGermany,
  ];
}
