/**
 * What the route handlers know of the running emulator: its directory, signer, lifetimes, clock
 * and the stores of what it remembers between requests.
 *
 * @packageDocumentation
 */
import type { DeviceCodeStore } from '../deviceCode/deviceCodeStore.js';
import type { FederatedIssuers } from '../federation/federationTypes.js';
import type { PipelinesState } from '../federation/pipelinesState.js';
import type { TokenSigner } from '../tokens/signing.js';
import type { Directory } from './directory.js';
import type { Expiring, ExpiringStore } from './expiringStore.js';
import type { AuthorizationCodeRecord, RefreshTokenRecord } from './grantRecords.js';

/** Lifetimes, in seconds. */
export interface Lifetimes {
  /** Ordinary access tokens; mutable through `setTokenLifetime`. */
  token: number;
  /** CAE access tokens. */
  cae: number;
  authorizationCode: number;
  deviceCode: number;
  /** The device code polling interval. */
  deviceCodeInterval: number;
  refreshToken: number;
  /** Managed identity tokens; mutable through `managedIdentity.setTokenLifetime`. */
  managedIdentity: number;
}

/** What the emulator remembers between requests. */
export interface GrantStores {
  /** Authorization codes by code. */
  codes: ExpiringStore<AuthorizationCodeRecord>;
  /** Refresh tokens by token. */
  refreshTokens: ExpiringStore<RefreshTokenRecord>;
  deviceCodes: DeviceCodeStore;
  /** Client assertion ids seen, by `<clientId>\n<jti>`, until the assertion expires. */
  assertionIds: ExpiringStore<Expiring>;
}

/** What the handlers know of the running emulator. */
export interface EmulatorContext {
  /** The base URL, `https://127.0.0.1:<port>`. */
  url: string;
  /** `127.0.0.1:<port>`, as instance discovery names it. */
  host: string;
  /** Registered apps and known tenants. */
  directory: Directory;
  /** The token signing key. */
  signer: TokenSigner;
  /** Lifetimes in seconds. */
  lifetimes: Lifetimes;
  /** The clock, ms. */
  now: () => number;
  /** Codes, refresh tokens, device codes and assertion ids. */
  grants: GrantStores;
  /** Whether a client assertion's `jti` may be used only once. */
  rejectReplayedAssertions: boolean;
  /** The federated issuers the emulator plays. */
  issuers: FederatedIssuers;
  /** The Azure Pipelines job and its service connections. */
  pipelines: PipelinesState;
}
