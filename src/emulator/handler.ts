/**
 * The request handler: parse, record, apply faults and latency, dispatch, write.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Call, EmulatorContext, Reply } from './context.js';
import { dispatch, errorEnvironment } from './dispatch.js';
import { aadErrors, faultError } from './error-catalog.js';
import { aadErrorReply } from './errors.js';
import type { FaultInjector } from './faults.js';
import {
  BodyTooLargeError,
  flattenHeaders,
  parseBody,
  parseForm,
  readBody,
  writeReply,
} from './http.js';
import { randomGuid } from './ids.js';
import type { RequestRecorder } from './recorder.js';
import { matchRoute } from './routes.js';
import type { RouteName } from './routes.js';
import type { FaultRule } from './types.js';

/** A malformed token response, for `garbage` faults. */
const GARBAGE_BODY = '{"token_type":"Bearer","access_tok';

/** What the handler needs besides the context. */
export interface HandlerDependencies {
  ctx: EmulatorContext;
  recorder: RequestRecorder;
  faults: FaultInjector;
  /** Latency added to every response, ms. */
  latencyMs: number;
  /** Aborted when the emulator stops: pending delays end and their sockets close. */
  signal: AbortSignal;
}

/** Creates the `request` listener of the HTTPS server. */
export function createRequestHandler(
  deps: HandlerDependencies,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((error: unknown) => fail(deps.ctx, req, res, error));
  };
}

async function handle(
  deps: HandlerDependencies,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { route, call } = await parseCall(req);
  deps.recorder.record({ route, ...recordable(call) });
  const fault = deps.faults.take(route);
  const delay = deps.latencyMs + (fault?.latencyMs ?? 0);
  if (delay > 0) await sleep(delay, undefined, { signal: deps.signal });
  if (fault?.reset) {
    resetSocket(req.socket);
    return;
  }
  const reply = faultReply(deps.ctx, call, fault) ?? (await dispatch(deps.ctx, route, call));
  writeReply(res, reply, responseHeaders(call, fault));
}

async function parseCall(req: IncomingMessage): Promise<{ route: RouteName; call: Call }> {
  const url = new URL(req.url ?? '/', 'https://127.0.0.1');
  const { route, tenant } = matchRoute(url.pathname);
  const body = await readBody(req);
  const headers = flattenHeaders(req.headers);
  const query = parseForm(url.search);
  const form = req.method === 'POST' ? parseBody(headers['content-type'], body) : {};
  const method = req.method ?? 'GET';
  const correlationId = clientRequestId(headers, form, query) ?? randomGuid();
  return {
    route,
    call: { method, path: url.pathname, query, headers, form, tenant, correlationId },
  };
}

/** The client's request id: a header, or (as MSAL Node sends it) a body or query parameter. */
function clientRequestId(...sources: Array<Record<string, string>>): string | undefined {
  return sources.map((source) => source['client-request-id']).find((id) => id !== undefined);
}

/** Sends a TCP RST (the client sees ECONNRESET); falls back to a plain destroy. */
function resetSocket(socket: Socket): void {
  const raw = (socket as Socket & { _parent?: Socket })._parent ?? socket;
  try {
    raw.resetAndDestroy();
  } catch {
    // not a TCP handle (e.g. already closed): a plain destroy is the best left
  }
  socket.destroy();
}

function recordable(call: Call): Omit<Call, 'tenant' | 'correlationId'> {
  const { method, path, query, headers, form } = call;
  return { method, path, query, headers, form };
}

function faultReply(ctx: EmulatorContext, call: Call, fault?: FaultRule): Reply | undefined {
  if (fault?.status !== undefined) {
    return aadErrorReply(faultError(fault.status), errorEnvironment(ctx, call));
  }
  return fault?.garbage ? { status: 200, body: GARBAGE_BODY } : undefined;
}

function responseHeaders(call: Call, fault?: FaultRule): Record<string, string> {
  const headers: Record<string, string> = {
    'client-request-id': call.correlationId,
    'x-ms-request-id': randomGuid(),
  };
  if (fault?.retryAfterSeconds !== undefined) {
    headers['Retry-After'] = String(fault.retryAfterSeconds);
  }
  return headers;
}

function fail(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
): void {
  const aborted = error instanceof Error && error.name === 'AbortError'; // stop() during a delay
  if (aborted || res.headersSent || res.destroyed || req.socket.destroyed) {
    req.socket.destroy();
    return;
  }
  const spec =
    error instanceof BodyTooLargeError
      ? { status: 413, error: 'invalid_request', message: error.message }
      : aadErrors.internal();
  const correlationId = flattenHeaders(req.headers)['client-request-id'] ?? randomGuid();
  const env = { url: ctx.url, correlationId, now: ctx.now };
  writeReply(res, aadErrorReply(spec, env), {
    Connection: 'close',
    'client-request-id': correlationId,
  });
}
