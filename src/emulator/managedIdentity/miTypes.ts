/**
 * Public types of the emulator's managed identity endpoints.
 *
 * @packageDocumentation
 */

/** A managed identity source: a host that serves tokens to the code it runs. */
export type ManagedIdentitySource =
  'imds' | 'appService' | 'serviceFabric' | 'cloudShell' | 'machineLearning' | 'arc';

/** Every {@link ManagedIdentitySource}, in msal-node's detection order (IMDS last). */
export const MANAGED_IDENTITY_SOURCES: readonly ManagedIdentitySource[] = [
  'serviceFabric',
  'appService',
  'machineLearning',
  'cloudShell',
  'arc',
  'imds',
];

/**
 * How a token response carries its expiry: `expires_on` as epoch seconds (a number or a numeric
 * string), as a date string `MM/DD/YYYY HH:MM:SS +00:00` (App Service's old format), as ISO 8601
 * (`2030-03-04T05:06:07.000Z`), or no `expires_on` at all, only `expires_in` (seconds).
 */
export type ExpiresOnStyle =
  'epoch-number' | 'epoch-string' | 'date-string' | 'iso' | 'expires-in-only';

/** A managed identity: the ids a client may name it by. */
export interface ManagedIdentity {
  /** The client (application) id: `appid` of its tokens. */
  clientId: string;
  /** The object (principal) id: `oid` and `sub` of its tokens. */
  objectId: string;
  /** The Azure resource id: `xms_mirid` of its tokens. */
  resourceId: string;
}

/** A user-assigned identity to add; ids left out are derived from the client id. */
export interface UserAssignedIdentityInput {
  clientId: string;
  objectId?: string;
  resourceId?: string;
}

/** Options of the managed identity endpoints. */
export interface ManagedIdentityOptions {
  /** The port of the plain-HTTP listener (every source but Service Fabric); 0 (default): free. */
  port?: number;
  /** The port of the Service Fabric HTTPS listener; 0 (default): free. */
  serviceFabricPort?: number;
  /**
   * The directory Azure Arc writes its challenge key files into. Arc is enabled only when set;
   * without it the Arc endpoint answers 404.
   */
  arcKeyDirectory?: string;
  /** Whether the host has a system-assigned identity, default true. */
  systemAssigned?: boolean;
  /** User-assigned identities, besides {@link EMULATOR_USER_ASSIGNED_IDENTITIES} (always there). */
  userAssigned?: UserAssignedIdentityInput[];
}

/** The managed identity endpoints of a running emulator. */
export interface ManagedIdentityEmulator {
  /** The plain-HTTP base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** The IMDS host (= {@link url}); clients append `/metadata/identity/oauth2/token`. */
  imdsHost: string;
  /** The full IMDS token URL, `${url}/metadata/identity/oauth2/token`. */
  imdsEndpoint: string;
  /** App Service's `IDENTITY_ENDPOINT`, `${url}/msi/token`. */
  appServiceEndpoint: string;
  /** Cloud Shell's `MSI_ENDPOINT`, `${url}/cloudshell/oauth2/token`. */
  cloudShellEndpoint: string;
  /** Azure Machine Learning's `MSI_ENDPOINT`, `${url}/MSI/auth`. */
  machineLearningEndpoint: string;
  /** Azure Arc's `IDENTITY_ENDPOINT`, `${url}/arc/metadata/identity/oauth2/token`. */
  arcEndpoint: string;
  /** Service Fabric's `IDENTITY_ENDPOINT`: `https://127.0.0.1:<sf port>/metadata/identity/oauth2/token`. */
  serviceFabricEndpoint: string;
  /** App Service's `IDENTITY_HEADER`, sent back as `X-IDENTITY-HEADER`. */
  appServiceSecret: string;
  /** Azure Machine Learning's `MSI_SECRET`, sent back as `secret`. */
  machineLearningSecret: string;
  /** Service Fabric's `IDENTITY_HEADER`, sent back as `secret`. */
  serviceFabricSecret: string;
  /** SHA-1 (upper-case hex) of the Service Fabric server certificate: `IDENTITY_SERVER_THUMBPRINT`. */
  serviceFabricThumbprint: string;
  /** The Service Fabric server certificate (PEM, self-signed, not from the emulator's CA). */
  serviceFabricCertificate: string;
  /** The Arc key file directory, when Arc is enabled. */
  arcKeyDirectory: string | undefined;
  /** The system-assigned identity (present even when disabled by `systemAssigned: false`). */
  systemAssigned: ManagedIdentity;
  /** Whether the system-assigned identity is enabled. */
  systemAssignedEnabled: boolean;
  /** The user-assigned identities, in the order added. */
  userAssigned(): ManagedIdentity[];
  /** Adds (or replaces, by client id) a user-assigned identity; returns it with ids filled in. */
  addUserAssigned(identity: UserAssignedIdentityInput): ManagedIdentity;
  /** The environment variables the host of `source` sets for the code it runs. */
  env(source: ManagedIdentitySource): Record<string, string>;
  /** How `source` writes `expires_on` from now on. */
  setExpiresOnStyle(source: ManagedIdentitySource, style: ExpiresOnStyle): void;
  /** Makes the next Arc 401 challenge name `path` as its realm (no file is written there). */
  arcRealmOverride(path: string): void;
  /** Changes the lifetime of managed identity tokens issued from now on. */
  setTokenLifetime(seconds: number): void;
}
