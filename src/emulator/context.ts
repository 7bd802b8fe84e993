/**
 * Shapes shared by the route handlers: the emulator's state, one call, one reply.
 *
 * @packageDocumentation
 */
import type { Directory } from './directory.js';
import type { FederatedIssuers } from './federation-types.js';
import type { PipelinesState } from './pipelines-state.js';
import type { AadErrorSpec } from './error-catalog.js';
import type { AuthorizationCodeRecord, RefreshTokenRecord } from './records.js';
import type { TokenSigner } from './signing.js';
import type { DeviceCodeStore } from './device-codes.js';
import type { Expiring, ExpiringStore } from './store.js';

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

/** One parsed request. */
export interface Call {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  form: Record<string, string>;
  /** The tenant segment of the path (empty for unknown routes). */
  tenant: string;
  /** The `client-request-id` header, or a fresh GUID. */
  correlationId: string;
}

/** A response: a JSON body, or a raw string written as is. */
export interface Reply {
  status: number;
  body: object | string;
  headers?: Record<string, string>;
}

/** What a listener serves: route names for paths, answers, and injected fault replies. */
export interface Router {
  /** The route a path (no query string) names, and its tenant segment (`''` when none). */
  match(path: string): { route: string; tenant: string };
  /** Answers a call on `route`. */
  answer(route: string, call: Call): Promise<Reply>;
  /** The reply of an injected `status` fault on `route`, in that route's error style. */
  faultReply(route: string, call: Call, status: number): Reply;
}

/** What a handler returns: a reply, or an error for the dispatcher to render. */
export type Outcome = Reply | AadErrorSpec;

/** Whether `outcome` is a ready reply. */
export function isReply(outcome: Outcome): outcome is Reply {
  return 'body' in outcome;
}

/** What error rendering needs from a call. */
export function errorEnvironment(
  ctx: EmulatorContext,
  call: Call,
): { url: string; correlationId: string; now: () => number } {
  return { url: ctx.url, correlationId: call.correlationId, now: ctx.now };
}
