import { Agent } from 'node:https';
import type {
  AuthError,
  INetworkModule,
  NetworkRequestOptions,
  NetworkResponse,
} from '@azure/msal-node';
import { isIdentityError, type IdentityError } from '../../errors.js';
import { firstValueFrom, timer, type SchedulerLike } from 'rxjs';
import { unrefScheduler } from '../../streams/clock.js';
import { httpRequest, type RawResponse } from '../http/httpRequest.js';
import type { ProxyAgents } from '../http/proxyAgents.js';
import { loadMsal, type MsalModule } from './msalModule.js';
import { readTokenEndpointAnswer } from './oauthResponse.js';

/** TLS and timeout settings of the network module. */
export interface NetworkClientOptions {
  /** Extra trusted CA certificates (PEM), e.g. the emulator's. Default: Node's store only. */
  ca?: string | string[];
  /**
   * Deadline of each request, in ms: connection, headers and body together, so a body trickled a
   * byte at a time fails as a silent server does (a transient `NetworkError`). Default 30 s.
   */
  timeoutMs?: number;
  /** Timers (the device code `slow_down` wait). Default: the wall clock. */
  scheduler?: SchedulerLike;
  /** Sends every request elsewhere (the AKS token proxy). Default: to the URL MSAL asks for. */
  route?: RequestRoute;
  /** The HTTP proxy to tunnel through (`proxyOptions`, `HTTPS_PROXY`). Default: none. */
  proxy?: ProxyAgents;
}

/** Where a request really goes, and on which connection pool (its TLS trust and server name). */
export interface RequestRoute {
  route(url: string): { url: string; agent: Agent };
  close(): void;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** RFC 8628: each `slow_down` adds 5 seconds to the polling interval. */
const SLOW_DOWN_STEP_MS = 5_000;
/** Form fields of a request whose values must never come back in a message. */
const SECRET_FORM_FIELDS = [
  'client_secret',
  'client_assertion',
  'assertion',
  'refresh_token',
  'code',
  'code_verifier',
  'password',
  'device_code',
];

const CARRIED = Symbol('reactive-identity.carriedError');

/**
 * Wraps one of our typed errors so it passes through MSAL: MSAL rethrows `AuthError`s unchanged
 * (it resets their prototype, so the original rides on a symbol, not on a subclass). Every non-2xx
 * answer travels this way, which also keeps MSAL's throttle from turning one 429 or 503 into a
 * minute of local failures: retries are the engine's.
 */
export function carryThroughMsal(msal: MsalModule, identityError: IdentityError): AuthError {
  const carrier = new msal.AuthError('transport_error', '', identityError.message);
  Object.defineProperty(carrier, CARRIED, { value: identityError });
  return carrier;
}

/** The typed error a carrier holds, if `error` is one. */
export function carriedError(error: unknown): IdentityError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as { [CARRIED]?: IdentityError })[CARRIED];
}

/** MSAL's `INetworkModule` on `node:https`, with the project's TLS trust, timeouts and errors. */
export class MsalNetworkClient implements INetworkModule {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly scheduler: SchedulerLike;
  private readonly route: RequestRoute | undefined;
  private readonly proxy: ProxyAgents | undefined;
  private readonly ca: string | string[] | undefined;
  /** Extra wait per device code, grown by each `slow_down`. */
  private readonly slowDowns = new Map<string, number>();

  constructor(options: NetworkClientOptions = {}) {
    this.agent = new Agent({ keepAlive: true, ca: options.ca });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.scheduler = options.scheduler ?? unrefScheduler;
    this.route = options.route;
    this.proxy = options.proxy;
    this.ca = options.ca;
  }

  async sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    // Loaded already when MSAL calls this; a direct caller (a test) gets it loaded here.
    const msal = await loadMsal();
    const raw = await this.send(msal, 'GET', url, options, timeout);
    const body = this.parse(msal, raw, url, false, options?.body);
    return { status: raw.status, headers: raw.headers, body: body as T };
  }

  async sendPostRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    const msal = await loadMsal();
    const raw = await this.send(msal, 'POST', url, options);
    const polling = await this.devicePolling(raw, options?.body);
    if (polling !== undefined) return polling as NetworkResponse<T>;
    const isTokenRequest = stripQuery(url).endsWith('/token');
    const body = this.parse(msal, raw, url, isTokenRequest, options?.body);
    return { status: raw.status, headers: raw.headers, body: body as T };
  }

  /**
   * Device code polling answers that MSAL must see as responses: `authorization_pending` goes
   * through as is; `slow_down` (which MSAL does not know) adds 5 s to every later poll of that
   * device code, as RFC 8628 says, and reaches MSAL as `authorization_pending`.
   */
  private async devicePolling(
    raw: RawResponse,
    requestBody: string | undefined,
  ): Promise<NetworkResponse<unknown> | undefined> {
    const deviceCode =
      requestBody === undefined ? null : new URLSearchParams(requestBody).get('device_code');
    if (deviceCode !== null && raw.status !== 400) this.slowDowns.delete(deviceCode);
    if (raw.status !== 400 || requestBody === undefined) return undefined;
    if (deviceCode === null) return undefined;
    let body: { error?: unknown };
    // Any answer other than "keep waiting" ends this device code's polling.
    const done = (): undefined => {
      this.slowDowns.delete(deviceCode);
      return undefined;
    };
    try {
      body = JSON.parse(raw.text) as { error?: unknown };
    } catch {
      return done();
    }
    if (body.error !== 'authorization_pending' && body.error !== 'slow_down') return done();
    if (body.error === 'slow_down')
      this.slowDowns.set(deviceCode, (this.slowDowns.get(deviceCode) ?? 0) + SLOW_DOWN_STEP_MS);
    const extra = this.slowDowns.get(deviceCode) ?? 0;
    if (extra > 0) await firstValueFrom(timer(extra, this.scheduler));
    return {
      status: raw.status,
      headers: raw.headers,
      body: { ...body, error: 'authorization_pending' },
    };
  }

  /** Closes pooled connections. */
  close(): void {
    this.agent.destroy();
    this.route?.close();
    this.proxy?.close();
  }

  private parse(
    msal: MsalModule,
    raw: RawResponse,
    url: string,
    isTokenRequest: boolean,
    requestBody: string | undefined,
  ): unknown {
    try {
      return readTokenEndpointAnswer(raw, {
        where: stripQuery(url),
        isTokenRequest,
        now: this.scheduler.now(),
        secrets: formSecrets(requestBody),
      });
    } catch (error) {
      throw isIdentityError(error) ? carryThroughMsal(msal, error) : error;
    }
  }

  private async send(
    msal: MsalModule,
    method: 'GET' | 'POST',
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<RawResponse> {
    try {
      const tunnel =
        this.route === undefined ? await this.proxy?.agentFor(new URL(url), this.ca) : undefined;
      const target = this.route?.route(url) ?? { url, agent: tunnel ?? this.agent };
      return await httpRequest({
        method,
        url: target.url,
        // A tunnel takes the target's TLS trust from each request, not from the agent.
        ca: tunnel === undefined ? undefined : this.ca,
        headers: options?.headers,
        body: options?.body,
        timeoutMs: timeout ?? this.timeoutMs,
        agent: target.agent,
      });
    } catch (error) {
      throw carryThroughMsal(msal, error as IdentityError);
    }
  }
}

/** The secret values a token request's form carries. */
function formSecrets(body: string | undefined): string[] {
  if (body === undefined) return [];
  const form = new URLSearchParams(body);
  return SECRET_FORM_FIELDS.flatMap((name) => form.getAll(name));
}

function stripQuery(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : url.slice(0, index);
}
