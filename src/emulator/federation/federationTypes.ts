/**
 * Public types of federated credentials (workload identity) and the Azure Pipelines endpoint.
 *
 * @packageDocumentation
 */

/** The audience Entra expects in a federated assertion unless a credential names another. */
export const FEDERATED_TOKEN_AUDIENCE = 'api://AzureADTokenExchange';

/** A federated identity credential of an app: which external tokens it accepts. */
export interface FederatedCredential {
  /** The external token's `iss`, matched exactly. */
  issuer: string;
  /** The external token's `sub`, matched exactly. */
  subject: string;
  /** A value the token's `aud` must contain; default {@link FEDERATED_TOKEN_AUDIENCE}. */
  audience?: string;
}

/** The federated issuers the emulator plays (it signs their tokens with its own key). */
export interface FederatedIssuers {
  /** A Kubernetes service account issuer, `${url}/kubernetes`. */
  kubernetes: string;
  /** The Azure DevOps OIDC issuer, `${url}/devops`. */
  azureDevOps: string;
}

/** What {@link Emulator.issueFederatedToken} signs. */
export interface FederatedTokenOptions {
  /** `iss`: any string; the emulator verifies every federated issuer's tokens with its own key. */
  issuer: string;
  /** `sub`. */
  subject: string;
  /** `aud`, default {@link FEDERATED_TOKEN_AUDIENCE}. */
  audience?: string | string[];
  /** Seconds from `iat` to `exp`, default 3600 (a projected service account token's lifetime). */
  lifetimeSeconds?: number;
}

/** An Azure DevOps service connection that federates with an app. */
export interface ServiceConnection {
  /** The service connection id, as `serviceConnectionId` names it. */
  id: string;
  /** The `sub` of its OIDC tokens; default `sc://emulator-org/emulator-project/<id>`. */
  subject?: string;
}

/** Options of the Azure Pipelines OIDC endpoint. */
export interface PipelinesOptions {
  /** The job's `System.AccessToken`; a random one when absent. */
  systemAccessToken?: string;
  /** Service connections known at start. */
  serviceConnections?: ServiceConnection[];
  /** Lifetime of the OIDC tokens, default 600 s. */
  tokenLifetimeSeconds?: number;
}

/** The Azure Pipelines OIDC endpoint of a running emulator. */
export interface PipelinesEmulator {
  /** `SYSTEM_OIDCREQUESTURI`: the oidctoken URL of the emulated job, without query. */
  oidcRequestUri: string;
  /** The `System.AccessToken` the endpoint accepts as `Authorization: Bearer`. */
  systemAccessToken: string;
  /** Registers (or replaces) a service connection; returns it with its subject filled in. */
  registerServiceConnection(connection: ServiceConnection): Required<ServiceConnection>;
  /** `{ SYSTEM_OIDCREQUESTURI, SYSTEM_ACCESSTOKEN }`, as a pipeline step that maps it sees. */
  env(): Record<string, string>;
}
