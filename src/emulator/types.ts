/**
 * Public types of the local Entra ID emulator.
 *
 * @packageDocumentation
 */

import type {
  FederatedCredential,
  FederatedIssuers,
  FederatedTokenOptions,
  KubernetesTokenProxyEmulator,
  KubernetesTokenProxyOptions,
  PipelinesEmulator,
  PipelinesOptions,
} from './federation/federationTypes.js';
import type { ManagedIdentityEmulator, ManagedIdentityOptions } from './managedIdentity/miTypes.js';

/** The emulator's home tenant: always known, and the default tenant of registered apps. */
export const EMULATOR_TENANT_ID = '72f988bf-0000-4000-8000-00000000e1d0';

/** An application registration known to the emulator. */
export interface EmulatorApp {
  /** The application (client) id. */
  clientId: string;
  /** The client secret; a secret or a certificate authenticates a confidential client. */
  clientSecret?: string;
  /**
   * Certificates (PEM) whose private keys may sign client assertions; the assertion names one by
   * its `x5t#S256` or `x5t` header. An app may have both a secret and certificates.
   */
  certificates?: string[];
  /**
   * Whether the app may use public client flows (device code, authorization code with PKCE)
   * without a credential, as Entra's "Allow public client flows" setting.
   */
  publicClient?: boolean;
  /**
   * Redirect URIs for the authorization endpoint, matched exactly; a loopback URI registered
   * without a port (`http://localhost`, `http://127.0.0.1`, any path) matches any port (RFC 8252).
   */
  redirectUris?: string[];
  /**
   * Delegated scopes the app exposes as an API (`api://<clientId>/<name>`); when set, requests for
   * other names are refused and `.default` grants all of them. Unset: any name is accepted.
   */
  apiScopes?: string[];
  /** The tenant the app is registered in; defaults to {@link EMULATOR_TENANT_ID}. */
  tenantId?: string;
  /** A display name, shown on the sign-in page. */
  displayName?: string;
  /**
   * Federated identity credentials: a `client_assertion` whose `iss` is not the client id is
   * accepted when one of these matches its `iss` and `sub` exactly and its `aud` contains the
   * audience, and it is signed with the emulator's key (see {@link Emulator.issueFederatedToken}).
   */
  federatedCredentials?: FederatedCredential[];
}

/** A user account known to the emulator. */
export interface EmulatorUser {
  /** The sign-in name (UPN), e.g. `ada@contoso.test`; matched case-insensitively. */
  username: string;
  /** The password the sign-in page and device login page check. */
  password: string;
  /** The object id; default: a stable GUID derived from the lower-cased username. */
  objectId?: string;
  /** The display name (`name` claim); default: the part of the username before `@`. */
  displayName?: string;
  /** The user's home tenant; defaults to {@link EMULATOR_TENANT_ID}. */
  tenantId?: string;
  /**
   * The user is under multifactor authentication: the password grant refuses them with
   * AADSTS50076 (suberror `basic_action`); the sign-in pages take MFA as done. Default false.
   */
  requiresMfa?: boolean;
}

/** A registered user with every default filled in. */
export type RegisteredUser = Required<EmulatorUser>;

/** The user every emulator knows, in {@link EMULATOR_TENANT_ID}. */
export const EMULATOR_TEST_USER: Readonly<{ username: string; password: string }> = Object.freeze({
  username: 'ada@contoso.test',
  password: 'correct-horse-battery',
});

/** A device code waiting for the user, as {@link Emulator.pendingDeviceCodes} lists it. */
export interface PendingDeviceCode {
  /** The code the user types on the device login page, e.g. `F4KPXT2LR`. */
  userCode: string;
  /** The client that asked for it. */
  clientId: string;
  /** The requested scopes, as sent. */
  scopes: string[];
}

/** The route names a {@link FaultRule} can target. */
export type FaultRoute =
  | 'token'
  | 'openid'
  | 'discovery'
  | 'jwks'
  | 'authorize'
  | 'devicecode'
  | 'devicelogin'
  | 'imds'
  | 'appService'
  | 'serviceFabric'
  | 'cloudShell'
  | 'machineLearning'
  | 'arc'
  | 'pipelines'
  | 'any';

/** A rule that makes matching requests misbehave. */
export interface FaultRule {
  /** The route it applies to; `any` matches every request, unknown paths included. */
  route: FaultRoute;
  /**
   * Respond with this status and an error body in the route's own style: Entra's on the authority
   * routes (503: temporarily_unavailable), each managed identity host's on its route, Azure
   * DevOps' on `pipelines`.
   */
  status?: number;
  /** Adds a `Retry-After` header with this many seconds. */
  retryAfterSeconds?: number;
  /** How `Retry-After` says it: delay seconds (the default) or an HTTP date that far ahead. */
  retryAfterStyle?: 'seconds' | 'http-date';
  /** Delay before responding; alone, it delays the normal response. */
  latencyMs?: number;
  /** Destroy the socket instead of responding (the client sees ECONNRESET). */
  reset?: boolean;
  /** Respond 200 with a malformed JSON body. */
  garbage?: boolean;
  /** How many matching requests it applies to; unlimited when absent. */
  times?: number;
  /** Probability (0..1) that it applies to a matching request; 1 when absent. */
  rate?: number;
}

/** A certificate and its private key, both PEM (the key PKCS#8 `PRIVATE KEY`). */
export interface CertificatePair {
  /** The certificate, PEM. */
  certPem: string;
  /** The private key, PKCS#8 PEM. */
  keyPem: string;
}

/** Options of {@link Emulator} start-up. */
export interface EmulatorOptions {
  /** The port to listen on; 0 (the default) picks a free one. Always binds 127.0.0.1. */
  port?: number;
  /** Apps registered at start; more can be added with {@link Emulator.registerApp}. */
  apps?: EmulatorApp[];
  /** Users registered at start, besides {@link EMULATOR_TEST_USER} (always registered). */
  users?: EmulatorUser[];
  /** Lifetime of ordinary access tokens, default 3600. */
  tokenLifetimeSeconds?: number;
  /** Lifetime of CAE (`xms_cc: cp1`) access tokens, default 86400. */
  caeTokenLifetimeSeconds?: number;
  /** Lifetime of authorization codes, default 600. */
  authorizationCodeLifetimeSeconds?: number;
  /** Lifetime of device codes (`expires_in`), default 900. */
  deviceCodeLifetimeSeconds?: number;
  /** The device code polling `interval`, default 5; 0 turns `slow_down` off. */
  deviceCodeIntervalSeconds?: number;
  /** Lifetime of refresh tokens, default 90 days. */
  refreshTokenLifetimeSeconds?: number;
  /**
   * Whether a client assertion whose `jti` the same client already used is refused
   * (AADSTS700026), default true. Entra does not check this, and MSAL re-sends one assertion for up
   * to 10 minutes: set false when an MSAL certificate client makes more than one token request.
   */
  rejectReplayedAssertions?: boolean;
  /** Latency added to every response, default 0. */
  latencyMs?: number;
  /**
   * The clock (ms) for token `iat`/`nbf`/`exp`, code, device code and refresh token expiry,
   * client assertion time checks and error timestamps; default `Date.now`.
   */
  now?: () => number;
  /** The random source for fault rates; default `Math.random`. */
  random?: () => number;
  /** A CA to sign the server certificate with (e.g. one the user already trusts); made when absent. */
  certificateAuthority?: CertificatePair;
  /**
   * The managed identity endpoints' options. The endpoints always run (a plain-HTTP listener and
   * a Service Fabric HTTPS listener, both on 127.0.0.1); Arc needs `arcKeyDirectory`.
   */
  managedIdentity?: ManagedIdentityOptions;
  /** Lifetime of managed identity tokens, default 86400. */
  managedIdentityTokenLifetimeSeconds?: number;
  /** The Azure Pipelines OIDC endpoint's options; it always runs. */
  pipelines?: PipelinesOptions;
}

/** One request as the emulator received it; secrets are redacted. */
export interface RecordedRequest {
  /**
   * The route name (`token`, `openid`, `discovery`, `jwks`, `authorize`, `devicecode`,
   * `devicelogin`, `pipelines`, `pipelines-signin`, `notfound`; on the managed identity
   * listeners `imds`, `appService`, `serviceFabric`, `cloudShell`, `machineLearning`, `arc`,
   * `notfound`).
   */
  route: string;
  /** The HTTP method. */
  method: string;
  /** The path, without the query string. */
  path: string;
  /** The query parameters; secret fields are redacted as in {@link RecordedRequest.form}. */
  query: Record<string, string>;
  /** The headers, names lower-cased; `authorization`, `secret` and `x-identity-header` are redacted. */
  headers: Record<string, string>;
  /**
   * The body (url-encoded form or JSON object); `client_secret`, `client_assertion`, `password`,
   * `code`, `code_verifier`, `refresh_token`, `assertion` and `device_code` are redacted.
   */
  form: Record<string, string>;
}

/** Fault injection controls. */
export interface FaultControls {
  /** Adds a rule after the existing ones. */
  add(rule: FaultRule): void;
  /** Removes every rule. */
  clear(): void;
}

/** Request counters. */
export interface RequestCounters {
  /** Requests seen on a route (`token`, `authorize`, ..., or per grant `token:<grant_type>`). */
  get(route: string): number;
  /** All requests seen. */
  total(): number;
  /** Sets every counter to zero. */
  reset(): void;
}

/** A running emulator. */
export interface Emulator {
  /** The base URL, e.g. `https://127.0.0.1:43123`: the authority host. */
  url: string;
  /** Same as {@link Emulator.url}. */
  authorityHost: string;
  /** {@link EMULATOR_TENANT_ID}. */
  tenantId: string;
  /** PEM of the CA that signed the server certificate; clients trust this. */
  ca: string;
  /** The public signing keys, as served on the JWKS route. */
  jwks: { keys: object[] };
  /** Registers (or replaces) an app; throws if a certificate is not a PEM certificate. */
  registerApp(app: EmulatorApp): void;
  /** Registers (or replaces) a user; returns it with its defaults filled in. */
  registerUser(user: EmulatorUser): RegisteredUser;
  /**
   * Signs `username` (default {@link EMULATOR_TEST_USER}) in on a pending device code, as the
   * device login page would; the client's next poll gets tokens. Throws for an unknown, expired or
   * decided code, or a user unknown in the code's tenant.
   */
  approveDeviceCode(userCode: string, username?: string): void;
  /** Declines a pending device code; the client's next poll gets `authorization_declined`. */
  denyDeviceCode(userCode: string): void;
  /** The device codes still waiting for a user, oldest first. */
  pendingDeviceCodes(): PendingDeviceCode[];
  /** Changes the lifetime of ordinary access tokens issued from now on. */
  setTokenLifetime(seconds: number): void;
  /** Fault injection. */
  faults: FaultControls;
  /** Request counters; a request answered by a fault counts too. */
  counters: RequestCounters;
  /** The last 1000 requests, oldest first. */
  requests: RecordedRequest[];
  /** The managed identity endpoints. */
  managedIdentity: ManagedIdentityEmulator;
  /** The Azure Pipelines OIDC endpoint. */
  pipelines: PipelinesEmulator;
  /** The federated issuers the emulator plays. */
  issuers: FederatedIssuers;
  /** Signs a federated token (RS256, the emulator's key; `iat`/`nbf`/`exp` from `now`). */
  issueFederatedToken(options: FederatedTokenOptions): Promise<string>;
  /**
   * Starts an AKS identity-binding token proxy in front of this authority (for
   * `WorkloadIdentityCredential` with `enableAzureProxy`); stopped with the emulator.
   */
  startKubernetesTokenProxy(
    options?: KubernetesTokenProxyOptions,
  ): Promise<KubernetesTokenProxyEmulator>;
  /** Closes the server and every open socket; idempotent. */
  stop(): Promise<void>;
}
