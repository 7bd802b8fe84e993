/**
 * The shapes a listener and its route handlers share: one parsed call, one reply, the router.
 *
 * @packageDocumentation
 */
import type { AadErrorSpec } from '../errors/aadErrors.js';

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
