/**
 * The request handler: parse, record, apply faults and latency, dispatch, write.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { aadErrorReply, aadErrors } from '../errors/aadErrors.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { randomGuid } from '../state/ids.js';
import type { FaultRule } from '../types.js';
import type { Call, Reply, Router } from './call.js';
import { authorityRouter } from './dispatch.js';
import type { FaultInjector } from './faults.js';
import {
  BodyTooLargeError,
  flattenHeaders,
  parseBody,
  parseForm,
  readBody,
  writeReply,
} from './httpMessages.js';
import type { RequestRecorder } from './requestRecorder.js';

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
  /** What the listener serves; default: the authority (and the Azure Pipelines endpoint). */
  router?: Router;
}

/** Creates the `request` listener of an HTTP(S) server. */
export function createRequestHandler(
  deps: HandlerDependencies,
): (req: IncomingMessage, res: ServerResponse) => void {
  const router = deps.router ?? authorityRouter(deps.ctx);
  return (req, res) => {
    handle(deps, router, req, res).catch((error: unknown) => fail(deps.ctx, req, res, error));
  };
}

async function handle(
  deps: HandlerDependencies,
  router: Router,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { route, call } = await parseCall(router, req);
  deps.recorder.record({ route, ...recordable(call) });
  const fault = deps.faults.take(route);
  const delay = deps.latencyMs + (fault?.latencyMs ?? 0);
  if (delay > 0) await sleep(delay, undefined, { signal: deps.signal });
  if (fault?.reset) {
    resetSocket(req.socket);
    return;
  }
  const reply = faultReply(router, route, call, fault) ?? (await router.answer(route, call));
  writeReply(res, reply, responseHeaders(call, deps.ctx.now(), fault));
}

async function parseCall(
  router: Router,
  req: IncomingMessage,
): Promise<{ route: string; call: Call }> {
  const url = new URL(req.url ?? '/', 'https://127.0.0.1');
  const { route, tenant } = router.match(url.pathname);
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

function faultReply(
  router: Router,
  route: string,
  call: Call,
  fault?: FaultRule,
): Reply | undefined {
  if (fault?.status !== undefined) return router.faultReply(route, call, fault.status);
  return fault?.garbage ? { status: 200, body: GARBAGE_BODY } : undefined;
}

function responseHeaders(call: Call, now: number, fault?: FaultRule): Record<string, string> {
  const headers: Record<string, string> = {
    'client-request-id': call.correlationId,
    'x-ms-request-id': randomGuid(),
  };
  if (fault?.retryAfterSeconds !== undefined) {
    headers['Retry-After'] =
      fault.retryAfterStyle === 'http-date'
        ? new Date(now + fault.retryAfterSeconds * 1000).toUTCString()
        : String(fault.retryAfterSeconds);
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
