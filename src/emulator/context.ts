/**
 * Shapes shared by the route handlers: the emulator's state, one call, one reply.
 *
 * @packageDocumentation
 */
import type { Directory } from './directory.js';
import type { AadErrorSpec } from './error-catalog.js';
import type { TokenSigner } from './signing.js';

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
  /** Token lifetimes in seconds; mutable through `setTokenLifetime`. */
  lifetimes: { token: number; cae: number };
  /** The clock, ms. */
  now: () => number;
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

/** What a handler returns: a reply, or an error for the dispatcher to render. */
export type Outcome = Reply | AadErrorSpec;

/** Whether `outcome` is a ready reply. */
export function isReply(outcome: Outcome): outcome is Reply {
  return 'body' in outcome;
}
