/**
 * Where the service may listen and which `Host` headers it answers. On loopback the `Host` must
 * name the listening address and port (or `localhost` on that port): a browser page on another
 * origin that re-binds its DNS name to 127.0.0.1 sends its own name and gets a 403. A wildcard
 * remote bind (`--allow-remote --host 0.0.0.0`, TLS required) cannot know the names clients use,
 * and answers any `Host`.
 */
import { isIP } from 'node:net';
import type { ServiceRoute } from './serviceContract.js';
import { sendRefusal } from './sidecarErrors.js';

/** Whether `host` is a loopback address or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const lowered = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (lowered === 'localhost' || lowered === '::1') return true;
  if (/^::ffff:127\.\d+\.\d+\.\d+$/.test(lowered)) return true;
  return isIP(lowered) === 4 && lowered.startsWith('127.');
}

/** Whether `host` binds every interface. */
export function isWildcardHost(host: string): boolean {
  return ['0.0.0.0', '::', '[::]', ''].includes(host);
}

/** The `Host` header values a server listening on `host:port` answers. */
export class HostHeaderPolicy {
  readonly #allowed: ReadonlySet<string> | undefined;

  constructor(host: string, port: number, options: { defaultPort?: number } = {}) {
    if (isWildcardHost(host)) {
      this.#allowed = undefined;
      return;
    }
    const names = new Set([bracket(host.toLowerCase()), 'localhost']);
    if (host === '::1') names.add('[::1]');
    const allowed = new Set<string>();
    for (const name of names) {
      if (name === 'localhost' && !isLoopbackHost(host)) continue;
      allowed.add(`${name}:${port}`);
      if (port === options.defaultPort) allowed.add(name);
    }
    this.#allowed = allowed;
  }

  /** Whether a request with this `Host` header is answered. */
  allows(hostHeader: string | undefined): boolean {
    if (this.#allowed === undefined) return true;
    return hostHeader !== undefined && this.#allowed.has(hostHeader.toLowerCase());
  }
}

function bracket(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * `route`, answered only for clients connecting from this machine: a loopback peer, or one whose
 * address is the address it connected to (a client on the machine reaching `--host 10.1.2.3`
 * arrives from 10.1.2.3; a packet from the network that claims a local source never gets a reply).
 * For others it answers nothing, so a path it would serve is a 403 (`owns` tells which). On a
 * remote bind the token endpoint is guarded by the identity header, but the dashboard, its event
 * stream and `/metrics` show scopes, tenants and clients: they stay local (reach them through an
 * SSH tunnel, or scrape with a Prometheus agent on the host).
 */
export function loopbackPeersOnly(
  route: ServiceRoute,
  owns: (pathname: string) => boolean,
): ServiceRoute {
  return (request, response, url) => {
    if (isLocalPeer(request.socket)) return route(request, response, url);
    if (!owns(url.pathname)) return false;
    sendRefusal(response, {
      status: 403,
      reason: 'remote-peer',
      message: 'The dashboard and /metrics answer clients on this machine only.',
    });
    return true;
  };
}

function isLocalPeer(socket: { remoteAddress?: string; localAddress?: string }): boolean {
  const { remoteAddress, localAddress } = socket;
  if (remoteAddress === undefined) return false;
  return isLoopbackHost(remoteAddress) || remoteAddress === localAddress;
}
