/**
 * Public types of the local Entra ID emulator.
 *
 * @packageDocumentation
 */

/** The emulator's home tenant: always known, and the default tenant of registered apps. */
export const EMULATOR_TENANT_ID = '72f988bf-0000-4000-8000-00000000e1d0';

/** An application registration known to the emulator. */
export interface EmulatorApp {
  /** The application (client) id. */
  clientId: string;
  /** The client secret; an app without one cannot use the client credentials grant. */
  clientSecret?: string;
  /** The tenant the app is registered in; defaults to {@link EMULATOR_TENANT_ID}. */
  tenantId?: string;
  /** A display name, for logs and dashboards. */
  displayName?: string;
}

/** The route names a {@link FaultRule} can target. */
export type FaultRoute = 'token' | 'openid' | 'discovery' | 'jwks' | 'any';

/** A rule that makes matching requests misbehave. */
export interface FaultRule {
  /** The route it applies to; `any` matches every request, unknown paths included. */
  route: FaultRoute;
  /** Respond with this status and an OAuth-style error body (503: temporarily_unavailable). */
  status?: number;
  /** Adds a `Retry-After` header with this many seconds. */
  retryAfterSeconds?: number;
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
  /** Lifetime of ordinary access tokens, default 3600. */
  tokenLifetimeSeconds?: number;
  /** Lifetime of CAE (`xms_cc: cp1`) access tokens, default 86400. */
  caeTokenLifetimeSeconds?: number;
  /** Latency added to every response, default 0. */
  latencyMs?: number;
  /** The clock (ms) for token `iat`/`nbf`/`exp` and error timestamps; default `Date.now`. */
  now?: () => number;
  /** The random source for fault rates; default `Math.random`. */
  random?: () => number;
  /** A CA to sign the server certificate with (e.g. one the user already trusts); made when absent. */
  certificateAuthority?: CertificatePair;
}

/** One request as the emulator received it; secrets are redacted. */
export interface RecordedRequest {
  /** The route name (`token`, `openid`, `discovery`, `jwks`, `notfound`). */
  route: string;
  /** The HTTP method. */
  method: string;
  /** The path, without the query string. */
  path: string;
  /** The query parameters. */
  query: Record<string, string>;
  /** The headers, names lower-cased; `authorization` is redacted. */
  headers: Record<string, string>;
  /** The url-encoded form body; `client_secret` and `password` are redacted. */
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
  /** Requests seen on a route (`token`, `openid`, ..., or per grant `token:client_credentials`). */
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
  /** Registers (or replaces) an app. */
  registerApp(app: EmulatorApp): void;
  /** Changes the lifetime of ordinary access tokens issued from now on. */
  setTokenLifetime(seconds: number): void;
  /** Fault injection. */
  faults: FaultControls;
  /** Request counters; a request answered by a fault counts too. */
  counters: RequestCounters;
  /** The last 1000 requests, oldest first. */
  requests: RecordedRequest[];
  /** Closes the server and every open socket; idempotent. */
  stop(): Promise<void>;
}
