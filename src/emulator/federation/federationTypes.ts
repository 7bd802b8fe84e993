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

/** Options of {@link KubernetesTokenProxyEmulator} start-up. */
export interface KubernetesTokenProxyOptions {
  /**
   * The TLS server name the proxy answers to (`AZURE_KUBERNETES_SNI_NAME`); a handshake for any
   * other name is refused. Default `token-proxy.aks.emulator.local`.
   */
  sniName?: string;
  /** A path prefix of the proxy's URL, stripped before the request reaches the authority. */
  pathPrefix?: string;
}

/**
 * The AKS identity-binding token proxy, played by the emulator: an HTTPS listener on 127.0.0.1
 * with a CA of its own and a certificate for its SNI name only, that passes every request on to
 * the authority with its path and query.
 */
export interface KubernetesTokenProxyEmulator {
  /** `https://127.0.0.1:<port>` and the path prefix: `AZURE_KUBERNETES_TOKEN_PROXY`. */
  url: string;
  /** `AZURE_KUBERNETES_SNI_NAME`. */
  sniName: string;
  /** PEM of the CA that signed the proxy's current certificate (`AZURE_KUBERNETES_CA_DATA`). */
  ca: string;
  /** Requests the proxy passed on. */
  requests(): number;
  /** TLS handshakes refused for a server name other than {@link sniName}. */
  refusedHandshakes(): number;
  /**
   * Replaces the CA and the certificate (a CA rotation): new connections get the new one; returns
   * the new CA's PEM, also in {@link ca}.
   */
  rotateCertificate(): Promise<string>;
  /** The proxy's environment for a workload: `AZURE_KUBERNETES_TOKEN_PROXY`, `_SNI_NAME`, `_CA_DATA`. */
  env(): Record<string, string>;
  /** Closes the listener; also done by the emulator's `stop()`. */
  stop(): Promise<void>;
}
