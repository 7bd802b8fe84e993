/**
 * The sidecar's token endpoint, App Service's managed identity protocol: `GET /msi/token
 * ?resource=...&api-version=2019-08-01` with `X-IDENTITY-HEADER: <secret>` answers
 * `{access_token, expires_on, resource, token_type, client_id}` from the engine, so every client on
 * the machine shares one stream, one cache and one acquisition per key. Every request, answered or
 * refused, becomes a {@link SidecarRequestEvent}.
 */
import type { AccessToken } from '@azure/core-auth';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timer, type SchedulerLike } from 'rxjs';
import { AbortError } from '../errors.js';
import type { ServiceRoute, SidecarRequestEvent } from './serviceContract.js';
import { IdentityHeaderCheck } from './identityHeader.js';
import { sendJson, sendRefusal, upstreamRefusal } from './sidecarErrors.js';
import { clientOf, elapsedMs } from './requestInfo.js';
import type { ResolvedIdentity, TokenSource } from './tokenSources.js';
import {
  badRequest,
  parseTokenRequest,
  type Refusal,
  type SidecarTokenRequest,
} from './tokenRequest.js';
import { ResourceAllowList } from './resourceAllowList.js';
import { stringClaim } from './jwtClaims.js';

/** The endpoint's path, as `IDENTITY_ENDPOINT` names it. */
export const TOKEN_PATH = '/msi/token';
/** How long a request waits for its token before a 504. */
export const DEFAULT_TOKEN_TIMEOUT_MS = 60_000;
/**
 * How many distinct resources one sidecar serves (each is a stream kept fresh, an upstream
 * acquisition and a metric series): a client looping over made-up resources must not turn the
 * sidecar into the flood of IMDS or Entra requests it exists to prevent.
 */
export const DEFAULT_MAX_RESOURCES = 100;

/** Options of {@link tokenEndpoint}. */
export interface TokenEndpointOptions {
  source: TokenSource;
  /** The identity header's value. */
  secret: string;
  /** Resources served; others get a 403. Absent or empty: any resource. */
  allowResources?: readonly string[];
  /** Called once per request, after it was answered. */
  record(event: SidecarRequestEvent): void;
  /** Time of the events and the wait's timer. */
  scheduler: SchedulerLike;
  /** How long a request waits for its token. Default {@link DEFAULT_TOKEN_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Distinct resources served; a new one beyond gets a 429. Default {@link DEFAULT_MAX_RESOURCES}. */
  maxResources?: number;
}

/** The route of the token endpoint. */
export function tokenEndpoint(options: TokenEndpointOptions): ServiceRoute {
  const check = new IdentityHeaderCheck(options.secret);
  const clientIds = new ClientIdReader();
  const allowed = new ResourceAllowList(options.allowResources ?? []);
  const served = new Set<string>();
  const maxResources = options.maxResources ?? DEFAULT_MAX_RESOURCES;
  return async (request, response, url) => {
    if (url.pathname !== TOKEN_PATH) return false;
    const started = process.hrtime.bigint();
    // Read now: once a client that went away is gone, its socket no longer has an address.
    const client = clientOf(request);
    const outcome = await answer(request, response, url);
    options.record({
      type: 'sidecar-request',
      at: options.scheduler.now(),
      status: outcome.status,
      resource: outcome.resource,
      client,
      durationMs: elapsedMs(started),
      reason: outcome.reason,
    });
    return true;
  };

  async function answer(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
  ): Promise<{ status: number; resource?: string; reason?: string }> {
    const refused = (refusal: Refusal) => {
      sendRefusal(response, refusal);
      return refusal;
    };
    const presented = request.headers['x-identity-header'];
    if (typeof presented !== 'string')
      return refused(unauthorized('missing-header', 'The X-IDENTITY-HEADER header is missing.'));
    if (!check.matches(presented))
      return refused(unauthorized('wrong-header', 'The X-IDENTITY-HEADER header is not valid.'));
    if (request.method !== 'GET') {
      return refused({
        status: 400,
        reason: 'bad-method',
        message: `The token endpoint answers GET requests only, not ${request.method ?? '?'}.`,
      });
    }
    const parsed = parseTokenRequest(url, request.url?.length ?? 0);
    if ('status' in parsed) return refused(parsed);
    if (!allowed.allows(parsed.resource)) {
      return refused({
        status: 403,
        reason: 'resource-not-allowed',
        message: `This sidecar does not serve tokens for ${parsed.resource}.`,
        resource: parsed.resource,
      });
    }
    const identity = options.source.resolve(parsed.selector);
    if ('status' in identity) return refused({ ...identity, resource: parsed.resource });
    if (!served.has(parsed.resource)) {
      if (served.size >= maxResources) {
        return refused({
          status: 429,
          reason: 'too-many-resources',
          message:
            `This sidecar serves at most ${maxResources} distinct resources; ` +
            'declare the ones your apps use with --allow-resource.',
          resource: parsed.resource,
        });
      }
      served.add(parsed.resource);
    }
    return serveToken(response, parsed, identity);
  }

  async function serveToken(
    response: ServerResponse,
    parsed: SidecarTokenRequest,
    identity: ResolvedIdentity,
  ): Promise<{ status: number; resource?: string; reason?: string }> {
    const { resource } = parsed;
    const controller = new AbortController();
    // The response closes before it is written only when the client went away.
    const gone = () => {
      if (!response.writableFinished) controller.abort();
    };
    response.once('close', gone);
    const deadline = timer(options.timeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS, options.scheduler);
    const timeout = deadline.subscribe(() => controller.abort(new AbortError('deadline')));
    try {
      const token = await identity.credential.getToken(parsed.scope, {
        abortSignal: controller.signal,
      });
      const claimed = clientIds.of(token.token);
      const expected = identity.verifyClientId;
      if (expected !== undefined && claimed?.toLowerCase() !== expected.toLowerCase()) {
        const refusal = badRequest(
          'identity-not-served',
          `This sidecar's credential (${options.source.description}) answered for another ` +
            "identity than the one the request names by 'client_id'; no token is handed out.",
          resource,
        );
        sendRefusal(response, refusal);
        return refusal;
      }
      const clientId = identity.clientId ?? claimed;
      sendJson(response, 200, tokenBody(token, resource, clientId));
      return { status: 200, resource };
    } catch (error) {
      if (controller.signal.aborted && !(controller.signal.reason instanceof AbortError))
        return { status: 499, resource, reason: 'client-closed' };
      const refusal = upstreamRefusal(error, resource, [options.secret]);
      sendRefusal(response, refusal);
      return refusal;
    } finally {
      timeout.unsubscribe();
      response.off('close', gone);
    }
  }
}

function unauthorized(reason: string, message: string): Refusal {
  return { status: 401, reason, message };
}

/** App Service's token answer. `expires_on` is epoch seconds, as a string. */
function tokenBody(token: AccessToken, resource: string, clientId: string | undefined) {
  return {
    access_token: token.token,
    expires_on: String(Math.floor(token.expiresOnTimestamp / 1000)),
    resource,
    token_type: 'Bearer',
    client_id: clientId ?? '',
  };
}

/** The client id a token is for (`appid`/`azp`), read once per token: cached answers repeat it. */
class ClientIdReader {
  #token = '';
  #clientId: string | undefined;

  of(token: string): string | undefined {
    if (token !== this.#token) {
      this.#token = token;
      this.#clientId = stringClaim(token, 'appid', 'azp');
    }
    return this.#clientId;
  }
}
