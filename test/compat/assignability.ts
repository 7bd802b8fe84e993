/**
 * This package's public types against `@azure/identity` 4.13's, checked by `tsc --noEmit -p .`:
 * option objects and records go both ways (a value typed for one is accepted by the other),
 * credential and error instances stand in for the anchor's (every public member of the anchor's
 * class is there with a compatible type), the anchor's constructor arguments and functions fit
 * ours, and the Azure core pipeline options that ours spell out fit the pipeline's own types.
 * A failing check reads `Type 'false' does not satisfy the constraint 'true'` at its line. Never run.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { AdditionalPolicyConfig, CommonClientOptions } from '@azure/core-client';
import type * as pipeline from '@azure/core-rest-pipeline';
import type * as anchor from '@azure/identity';
import * as ours from '../../src/index.js';

type Assignable<From, To> = [From] extends [To] ? true : false;
type Holds<T extends true> = T;
/** The public members of a class instance type (its private fields make it nominal). */
type Public<T> = { [K in keyof T]: T[K] };

/**
 * Option objects, records and callbacks: a value of either type is accepted as the other, and
 * ours declares every property the anchor's declares, at every depth (so that an object literal
 * written for the anchor passes the excess property check). A failure names what is missing.
 */
type Mutual<Ours, Anchor> = [Assignable<Ours, Anchor>, Assignable<Anchor, Ours>] extends [
  true,
  true,
]
  ? Covered<Uncovered<Ours, Anchor>>
  : false;
type Covered<Paths> = [Paths] extends [never] ? true : `missing: ${Paths & string}`;
type AllKeys<T> = T extends unknown ? keyof T & string : never;
type ValueAt<T, K extends string> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;
/** Objects whose properties are compared: not functions, arrays or primitives. */
type Plain<T> = T extends (...args: never[]) => unknown
  ? never
  : T extends readonly (infer E)[]
    ? Plain<E>
    : T extends object
      ? T
      : never;
type Inner<T, K extends string> = Plain<NonNullable<ValueAt<T, K>>>;
/** The anchor's property paths that ours lacks (three levels deep). */
type Uncovered<Ours, Anchor, Path extends string = '', Depth extends 0[] = []> = Depth extends [
  0,
  0,
  0,
]
  ? never
  : | `${Path}${Exclude<AllKeys<Anchor>, AllKeys<Ours>>}`
    | UncoveredWithin<Ours, Anchor, Extract<AllKeys<Anchor>, AllKeys<Ours>>, Path, Depth>;
type UncoveredWithin<
  Ours,
  Anchor,
  Keys extends string,
  Path extends string,
  Depth extends 0[],
> = Keys extends unknown
  ? Uncovered<Inner<Ours, Keys>, Inner<Anchor, Keys>, `${Path}${Keys}.`, [...Depth, 0]>
  : never;

export type Options = [
  Holds<Mutual<ours.TokenCredentialOptions, anchor.TokenCredentialOptions>>,
  Holds<Mutual<ours.MultiTenantTokenCredentialOptions, anchor.MultiTenantTokenCredentialOptions>>,
  Holds<Mutual<ours.MultiTenantCredentialOptions, anchor.MultiTenantTokenCredentialOptions>>,
  Holds<Mutual<ours.AuthorityValidationOptions, anchor.AuthorityValidationOptions>>,
  Holds<Mutual<ours.CredentialPersistenceOptions, anchor.CredentialPersistenceOptions>>,
  Holds<Mutual<ours.TokenCachePersistenceOptions, anchor.TokenCachePersistenceOptions>>,
  Holds<Mutual<ours.InteractiveCredentialOptions, anchor.InteractiveCredentialOptions>>,
  Holds<Mutual<ours.ClientSecretCredentialOptions, anchor.ClientSecretCredentialOptions>>,
  Holds<Mutual<ours.ClientCertificateCredentialOptions, anchor.ClientCertificateCredentialOptions>>,
  Holds<Mutual<ours.ClientCertificatePEMCertificate, anchor.ClientCertificatePEMCertificate>>,
  Holds<
    Mutual<ours.ClientCertificatePEMCertificatePath, anchor.ClientCertificatePEMCertificatePath>
  >,
  Holds<
    Mutual<
      ours.ClientCertificateCredentialPEMConfiguration,
      anchor.ClientCertificateCredentialPEMConfiguration
    >
  >,
  Holds<Mutual<ours.ClientAssertionCredentialOptions, anchor.ClientAssertionCredentialOptions>>,
  Holds<Mutual<ours.EnvironmentCredentialOptions, anchor.EnvironmentCredentialOptions>>,
  Holds<Mutual<ours.OnBehalfOfCredentialOptions, anchor.OnBehalfOfCredentialOptions>>,
  Holds<Mutual<ours.OnBehalfOfCredentialSecretOptions, anchor.OnBehalfOfCredentialSecretOptions>>,
  Holds<
    Mutual<
      ours.OnBehalfOfCredentialCertificateOptions,
      anchor.OnBehalfOfCredentialCertificateOptions
    >
  >,
  Holds<
    Mutual<ours.OnBehalfOfCredentialAssertionOptions, anchor.OnBehalfOfCredentialAssertionOptions>
  >,
  Holds<
    Mutual<
      ours.ManagedIdentityCredentialClientIdOptions,
      anchor.ManagedIdentityCredentialClientIdOptions
    >
  >,
  Holds<
    Mutual<
      ours.ManagedIdentityCredentialResourceIdOptions,
      anchor.ManagedIdentityCredentialResourceIdOptions
    >
  >,
  Holds<
    Mutual<
      ours.ManagedIdentityCredentialObjectIdOptions,
      anchor.ManagedIdentityCredentialObjectIdOptions
    >
  >,
  Holds<Mutual<ours.WorkloadIdentityCredentialOptions, anchor.WorkloadIdentityCredentialOptions>>,
  Holds<Mutual<ours.AzurePipelinesCredentialOptions, anchor.AzurePipelinesCredentialOptions>>,
  Holds<Mutual<ours.AzureCliCredentialOptions, anchor.AzureCliCredentialOptions>>,
  Holds<Mutual<ours.AzureDeveloperCliCredentialOptions, anchor.AzureDeveloperCliCredentialOptions>>,
  Holds<Mutual<ours.AzurePowerShellCredentialOptions, anchor.AzurePowerShellCredentialOptions>>,
  Holds<Mutual<ours.DefaultAzureCredentialOptions, anchor.DefaultAzureCredentialOptions>>,
  Holds<
    Mutual<ours.DefaultAzureCredentialClientIdOptions, anchor.DefaultAzureCredentialClientIdOptions>
  >,
  Holds<
    Mutual<
      ours.DefaultAzureCredentialResourceIdOptions,
      anchor.DefaultAzureCredentialResourceIdOptions
    >
  >,
  Holds<Mutual<ours.DefaultAzureCredentialEnvVars, anchor.DefaultAzureCredentialEnvVars>>,
  Holds<
    Mutual<
      ours.InteractiveBrowserCredentialNodeOptions,
      anchor.InteractiveBrowserCredentialNodeOptions
    >
  >,
  Holds<
    Mutual<
      ours.InteractiveBrowserCredentialInBrowserOptions,
      anchor.InteractiveBrowserCredentialInBrowserOptions
    >
  >,
  Holds<Mutual<ours.BrowserCustomizationOptions, anchor.BrowserCustomizationOptions>>,
  Holds<Mutual<ours.BrowserLoginStyle, anchor.BrowserLoginStyle>>,
  Holds<Mutual<ours.BrokerOptions, anchor.BrokerOptions>>,
  Holds<Mutual<ours.BrokerEnabledOptions, anchor.BrokerEnabledOptions>>,
  Holds<Mutual<ours.BrokerDisabledOptions, anchor.BrokerDisabledOptions>>,
  Holds<Mutual<ours.BrokerAuthOptions, anchor.BrokerAuthOptions>>,
  Holds<Mutual<ours.DeviceCodeCredentialOptions, anchor.DeviceCodeCredentialOptions>>,
  Holds<Mutual<ours.DeviceCodeInfo, anchor.DeviceCodeInfo>>,
  Holds<Mutual<ours.DeviceCodePromptCallback, anchor.DeviceCodePromptCallback>>,
  Holds<Mutual<ours.AuthorizationCodeCredentialOptions, anchor.AuthorizationCodeCredentialOptions>>,
  Holds<Mutual<ours.AuthenticationRecord, anchor.AuthenticationRecord>>,
  Holds<Mutual<ours.ErrorResponse, anchor.ErrorResponse>>,
  Holds<Mutual<ours.AuthenticationRequiredErrorOptions, anchor.AuthenticationRequiredErrorOptions>>,
  Holds<Mutual<ours.AccessToken, anchor.AccessToken>>,
  Holds<Mutual<ours.GetTokenOptions, anchor.GetTokenOptions>>,
  Holds<Mutual<ours.TokenCredential, anchor.TokenCredential>>,
];

/** Instances: ours are `TokenCredential`s and have every public member of the anchor's class. */
type StandsInFor<Ours, Anchor> = [
  Assignable<Ours, TokenCredential>,
  Assignable<Ours, Public<Anchor>>,
] extends [true, true]
  ? true
  : false;

export type Credentials = [
  Holds<StandsInFor<ours.ChainedTokenCredential, anchor.ChainedTokenCredential>>,
  Holds<StandsInFor<ours.DefaultAzureCredential, anchor.DefaultAzureCredential>>,
  Holds<StandsInFor<ours.ClientSecretCredential, anchor.ClientSecretCredential>>,
  Holds<StandsInFor<ours.ClientCertificateCredential, anchor.ClientCertificateCredential>>,
  Holds<StandsInFor<ours.ClientAssertionCredential, anchor.ClientAssertionCredential>>,
  Holds<StandsInFor<ours.EnvironmentCredential, anchor.EnvironmentCredential>>,
  Holds<StandsInFor<ours.OnBehalfOfCredential, anchor.OnBehalfOfCredential>>,
  Holds<StandsInFor<ours.ManagedIdentityCredential, anchor.ManagedIdentityCredential>>,
  Holds<StandsInFor<ours.WorkloadIdentityCredential, anchor.WorkloadIdentityCredential>>,
  Holds<StandsInFor<ours.AzurePipelinesCredential, anchor.AzurePipelinesCredential>>,
  Holds<StandsInFor<ours.AzureCliCredential, anchor.AzureCliCredential>>,
  Holds<StandsInFor<ours.AzureDeveloperCliCredential, anchor.AzureDeveloperCliCredential>>,
  Holds<StandsInFor<ours.AzurePowerShellCredential, anchor.AzurePowerShellCredential>>,
  Holds<StandsInFor<ours.InteractiveBrowserCredential, anchor.InteractiveBrowserCredential>>,
  Holds<StandsInFor<ours.DeviceCodeCredential, anchor.DeviceCodeCredential>>,
  Holds<StandsInFor<ours.AuthorizationCodeCredential, anchor.AuthorizationCodeCredential>>,
];

/** Errors: ours have every public field of the anchor's, so code reading them keeps working. */
export type Errors = [
  Holds<Assignable<ours.AuthenticationError, Public<anchor.AuthenticationError>>>,
  Holds<Assignable<ours.AuthenticationRequiredError, Public<anchor.AuthenticationRequiredError>>>,
  Holds<Assignable<ours.CredentialUnavailableError, Public<anchor.CredentialUnavailableError>>>,
  Holds<Assignable<ours.AggregateAuthenticationError, Public<anchor.AggregateAuthenticationError>>>,
  Holds<Assignable<typeof ours.AuthenticationErrorName, typeof anchor.AuthenticationErrorName>>,
  Holds<
    Assignable<
      typeof ours.CredentialUnavailableErrorName,
      typeof anchor.CredentialUnavailableErrorName
    >
  >,
  Holds<
    Assignable<
      typeof ours.AggregateAuthenticationErrorName,
      typeof anchor.AggregateAuthenticationErrorName
    >
  >,
];

/** Functions: ours can be used wherever the anchor's are (and take what the anchor's take). */
export type Functions = [
  Holds<
    Assignable<
      typeof ours.serializeAuthenticationRecord,
      typeof anchor.serializeAuthenticationRecord
    >
  >,
  Holds<
    Assignable<
      typeof ours.deserializeAuthenticationRecord,
      typeof anchor.deserializeAuthenticationRecord
    >
  >,
];

/** The anchor's constructor arguments, passed on to ours unchanged. */
export const constructors = {
  authenticationError: (...args: ConstructorParameters<typeof anchor.AuthenticationError>) =>
    new ours.AuthenticationError(...args),
  credentialUnavailable: (
    ...args: ConstructorParameters<typeof anchor.CredentialUnavailableError>
  ) => new ours.CredentialUnavailableError(...args),
  aggregate: (...args: ConstructorParameters<typeof anchor.AggregateAuthenticationError>) =>
    new ours.AggregateAuthenticationError(...args),
  authenticationRequired: (options: anchor.AuthenticationRequiredErrorOptions) =>
    new ours.AuthenticationRequiredError(options),
  clientSecret: (...args: ConstructorParameters<typeof anchor.ClientSecretCredential>) =>
    new ours.ClientSecretCredential(...args),
  clientCertificate: (
    tenantId: string,
    clientId: string,
    certificate: string | anchor.ClientCertificateCredentialPEMConfiguration,
    options?: anchor.ClientCertificateCredentialOptions,
  ) => new ours.ClientCertificateCredential(tenantId, clientId, certificate, options),
  clientAssertion: (...args: ConstructorParameters<typeof anchor.ClientAssertionCredential>) =>
    new ours.ClientAssertionCredential(...args),
  environment: (...args: ConstructorParameters<typeof anchor.EnvironmentCredential>) =>
    new ours.EnvironmentCredential(...args),
  onBehalfOf: (options: anchor.OnBehalfOfCredentialOptions) =>
    new ours.OnBehalfOfCredential(options),
  managedIdentity: (
    options:
      | anchor.ManagedIdentityCredentialClientIdOptions
      | anchor.ManagedIdentityCredentialResourceIdOptions
      | anchor.ManagedIdentityCredentialObjectIdOptions,
  ) => new ours.ManagedIdentityCredential(options),
  managedIdentityClientId: (clientId: string, options?: anchor.TokenCredentialOptions) =>
    new ours.ManagedIdentityCredential(clientId, options),
  workload: (...args: ConstructorParameters<typeof anchor.WorkloadIdentityCredential>) =>
    new ours.WorkloadIdentityCredential(...args),
  pipelines: (...args: ConstructorParameters<typeof anchor.AzurePipelinesCredential>) =>
    new ours.AzurePipelinesCredential(...args),
  cli: (...args: ConstructorParameters<typeof anchor.AzureCliCredential>) =>
    new ours.AzureCliCredential(...args),
  azd: (...args: ConstructorParameters<typeof anchor.AzureDeveloperCliCredential>) =>
    new ours.AzureDeveloperCliCredential(...args),
  powerShell: (...args: ConstructorParameters<typeof anchor.AzurePowerShellCredential>) =>
    new ours.AzurePowerShellCredential(...args),
  browser: (...args: ConstructorParameters<typeof anchor.InteractiveBrowserCredential>) =>
    new ours.InteractiveBrowserCredential(...args),
  deviceCode: (...args: ConstructorParameters<typeof anchor.DeviceCodeCredential>) =>
    new ours.DeviceCodeCredential(...args),
  authorizationCode: (
    tenantId: string,
    clientId: string,
    secretOrCode: string,
    codeOrRedirect: string,
    redirectUri: string,
    options?: anchor.AuthorizationCodeCredentialOptions,
  ) =>
    new ours.AuthorizationCodeCredential(
      tenantId,
      clientId,
      secretOrCode,
      codeOrRedirect,
      redirectUri,
      options,
    ),
  defaultAzure: (
    options:
      | anchor.DefaultAzureCredentialOptions
      | anchor.DefaultAzureCredentialClientIdOptions
      | anchor.DefaultAzureCredentialResourceIdOptions,
  ) => new ours.DefaultAzureCredential(options),
  chained: (...sources: anchor.TokenCredential[]) => new ours.ChainedTokenCredential(...sources),
};

/** The anchor's credentials in our chains, and the other way round. */
export function mixed(
  theirs: anchor.ClientSecretCredential,
  mine: ours.ClientSecretCredential,
  options: GetTokenOptions,
): Promise<AccessToken>[] {
  return [
    new ours.ChainedTokenCredential(theirs, mine).getToken('scope', options),
    mine.getToken(['scope'], options),
  ];
}

/** The pipeline options ours spell out, against `@azure/core-rest-pipeline` and `@azure/core-client`. */
export type PipelineOptions = [
  Holds<Mutual<ours.CommonClientOptions, CommonClientOptions>>,
  Holds<Mutual<ours.AdditionalPolicyConfig, AdditionalPolicyConfig>>,
  Holds<Mutual<ours.PipelineHttpClient, pipeline.HttpClient>>,
  Holds<Mutual<ours.PipelinePolicyLike, pipeline.PipelinePolicy>>,
  Holds<Mutual<ours.PipelineRetryOptions, pipeline.PipelineRetryOptions>>,
  Holds<Mutual<ours.ProxySettings, pipeline.ProxySettings>>,
  Holds<Mutual<ours.PipelineAgent, pipeline.Agent>>,
  Holds<Mutual<ours.TlsSettings, pipeline.TlsSettings>>,
  Holds<Mutual<ours.TlsKeyObject, pipeline.KeyObject>>,
  Holds<Mutual<ours.TlsPfxObject, pipeline.PxfObject>>,
  Holds<Mutual<ours.RedirectPolicyOptions, pipeline.RedirectPolicyOptions>>,
  Holds<Mutual<ours.UserAgentPolicyOptions, pipeline.UserAgentPolicyOptions>>,
  Holds<Mutual<ours.TelemetryOptions, pipeline.TelemetryOptions>>,
  Holds<Mutual<ours.LogPolicyOptions, pipeline.LogPolicyOptions>>,
];
