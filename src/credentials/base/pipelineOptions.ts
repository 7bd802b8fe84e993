/**
 * The options of the Azure core HTTP pipeline (`CommonClientOptions` of `@azure/core-client`),
 * which every `@azure/identity` credential accepts, spelled out here so that this package does not
 * depend on the pipeline packages. Each shape is that of `@azure/core-rest-pipeline` 1.24 and
 * assignable to and from it (test/compat/assignability.ts checks both ways).
 *
 * This package sends its requests with its own transport: of these options it honours
 * `tlsOptions.ca` (the trusted authorities) and `proxyOptions` (an HTTP proxy for the requests to
 * the authority and to Azure Pipelines; without it `HTTPS_PROXY`, `ALL_PROXY` or `HTTP_PROXY`, and
 * `NO_PROXY`, as the Azure SDK's pipeline reads them; managed identity endpoints, local to the
 * host, are never proxied). The others are accepted so that code written for `@azure/identity`
 * compiles and runs unchanged, and have no effect.
 */
import type { Debugger } from '@azure/logger';

/**
 * A value of the pipeline's request or response types, which this package does not model. `any`
 * so that values of `@azure/core-rest-pipeline`'s own types are accepted and returned as they are.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type PipelineValue = any;

/** `@azure/core-rest-pipeline`'s `HttpClient`: sends a request, resolves its response. */
export interface PipelineHttpClient {
  sendRequest: (request: PipelineValue) => Promise<PipelineValue>;
}

/** `@azure/core-rest-pipeline`'s `PipelinePolicy`. */
export interface PipelinePolicyLike {
  name: string;
  sendRequest(
    request: PipelineValue,
    next: (request: PipelineValue) => Promise<PipelineValue>,
  ): Promise<PipelineValue>;
}

/** `@azure/core-client`'s `AdditionalPolicyConfig`. */
export interface AdditionalPolicyConfig {
  policy: PipelinePolicyLike;
  position: 'perCall' | 'perRetry';
}

/** `@azure/core-rest-pipeline`'s `PipelineRetryOptions`. */
export interface PipelineRetryOptions {
  maxRetries?: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
}

/** `@azure/core-rest-pipeline`'s `ProxySettings`. */
export interface ProxySettings {
  /** The proxy's address, with its protocol (`http://` or `https://`). */
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/** `@azure/core-rest-pipeline`'s `Agent`: what it needs of Node's `http.Agent`. */
export interface PipelineAgent {
  destroy(): void;
  maxFreeSockets: number;
  maxSockets: number;
  requests: unknown;
  sockets: unknown;
}

/** `@azure/core-rest-pipeline`'s `KeyObject` (a private key in PEM, with its passphrase). */
export interface TlsKeyObject {
  pem: string | Buffer;
  passphrase?: string | undefined;
}

/** `@azure/core-rest-pipeline`'s `PxfObject` (PFX or PKCS#12 data, with its passphrase). */
export interface TlsPfxObject {
  buf: string | Buffer;
  passphrase?: string | undefined;
}

/**
 * `@azure/core-rest-pipeline`'s `TlsSettings`. This package honours `ca`, the authorities trusted
 * for the authority's and the identity endpoints' certificates (PEM), e.g. `{ ca: emulator.ca }`.
 */
export interface TlsSettings {
  ca?: string | Buffer | Array<string | Buffer> | undefined;
  cert?: string | Buffer | Array<string | Buffer> | undefined;
  key?: string | Buffer | Array<Buffer | TlsKeyObject> | undefined;
  passphrase?: string | undefined;
  pfx?: string | Buffer | Array<string | Buffer | TlsPfxObject> | undefined;
}

/** `@azure/core-rest-pipeline`'s `RedirectPolicyOptions`. */
export interface RedirectPolicyOptions {
  maxRetries?: number;
  allowCrossOriginRedirects?: boolean;
}

/** `@azure/core-rest-pipeline`'s `UserAgentPolicyOptions`. */
export interface UserAgentPolicyOptions {
  userAgentPrefix?: string;
}

/** `@azure/core-rest-pipeline`'s `TelemetryOptions`. */
export interface TelemetryOptions {
  clientRequestIdHeaderName?: string;
}

/** `@azure/core-rest-pipeline`'s `LogPolicyOptions`. */
export interface LogPolicyOptions {
  additionalAllowedHeaderNames?: string[];
  additionalAllowedQueryParameters?: string[];
  logger?: Debugger;
}

/** `@azure/core-client`'s `CommonClientOptions`: the pipeline options of an Azure SDK client. */
export interface CommonClientOptions {
  httpClient?: PipelineHttpClient;
  allowInsecureConnection?: boolean;
  additionalPolicies?: AdditionalPolicyConfig[];
  retryOptions?: PipelineRetryOptions;
  proxyOptions?: ProxySettings;
  agent?: PipelineAgent;
  tlsOptions?: TlsSettings;
  redirectOptions?: RedirectPolicyOptions;
  userAgentOptions?: UserAgentPolicyOptions;
  telemetryOptions?: TelemetryOptions;
}

/** The PEM text of `tlsOptions.ca`, as this package's transport takes it. */
export function trustedCa(tls: TlsSettings | undefined): string | string[] | undefined {
  const ca = tls?.ca;
  if (ca === undefined) return undefined;
  if (Array.isArray(ca)) return ca.map((entry) => entry.toString());
  return ca.toString();
}
