/**
 * An HTTP proxy for the requests to the authority, as the Azure SDK's pipeline chooses one:
 * `proxyOptions` when given, else `HTTPS_PROXY`, `ALL_PROXY` or `HTTP_PROXY` (upper or lower
 * case), with hosts listed in `NO_PROXY` (`host`, or `.domain` for it and its subdomains) sent
 * directly. HTTPS goes through a CONNECT tunnel, so the proxy sees the host name only.
 */
import type { Agent } from 'node:https';
import { InvalidArgumentError } from '../../errors.js';
import type { Environment } from '../base/authorityHost.js';
import type { ProxySettings } from '../base/pipelineOptions.js';

function envValue(env: Environment, name: string): string | undefined {
  return env[name] || env[name.toLowerCase()] || undefined;
}

/** `NO_PROXY` as the pipeline reads it: comma-separated, trimmed, empty entries dropped. */
function noProxyList(env: Environment): string[] {
  return (envValue(env, 'NO_PROXY') ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry.length > 0);
}

function bypasses(host: string, list: readonly string[]): boolean {
  const name = host.toLowerCase();
  return list.some((pattern) =>
    pattern === '*'
      ? true
      : pattern.startsWith('.')
        ? name.endsWith(pattern) || name === pattern.slice(1)
        : name === pattern,
  );
}

/** The proxy URL of `settings`, with its credentials; throws a typed error for a bad one. */
function settingsUrl(settings: ProxySettings): URL {
  let url: URL;
  try {
    url = new URL(settings.host);
  } catch {
    throw new InvalidArgumentError(
      'proxyOptions.host must be a URL with its protocol, e.g. "http://proxy.example.com".',
    );
  }
  if (!Number.isInteger(settings.port) || settings.port <= 0 || settings.port > 65_535)
    throw new InvalidArgumentError(
      `proxyOptions.port must be a port number, got ${settings.port}.`,
    );
  url.port = String(settings.port);
  if (settings.username) url.username = encodeURIComponent(settings.username);
  if (settings.password) url.password = encodeURIComponent(settings.password);
  return url;
}

function environmentUrl(env: Environment): URL | undefined {
  const value =
    envValue(env, 'HTTPS_PROXY') ?? envValue(env, 'ALL_PROXY') ?? envValue(env, 'HTTP_PROXY');
  if (value === undefined) return undefined;
  try {
    return new URL(value);
  } catch {
    // The value may hold credentials: name the variable, not its content.
    throw new InvalidArgumentError(
      'HTTPS_PROXY (or ALL_PROXY, HTTP_PROXY) is not a URL, e.g. "http://proxy.example.com:8080".',
    );
  }
}

/** Chooses, per target, a tunnel through the proxy or the direct connection pool. */
export class ProxyAgents {
  private readonly agents = new Map<string, Promise<Agent>>();

  private constructor(
    private readonly proxy: URL,
    private readonly noProxy: readonly string[],
  ) {}

  /** The proxy of these options and environment, or `undefined` when requests go direct. */
  static from(settings: ProxySettings | undefined, env: Environment): ProxyAgents | undefined {
    const url = settings === undefined ? environmentUrl(env) : settingsUrl(settings);
    if (url === undefined) return undefined;
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new InvalidArgumentError(
        `The proxy must be an http:// or https:// URL, not "${url.protocol}".`,
      );
    return new ProxyAgents(url, noProxyList(env));
  }

  /** The proxy's origin, for messages (never its credentials). */
  get origin(): string {
    return this.proxy.origin;
  }

  /**
   * The tunnelling agent for `target`, trusting `ca` (besides Node's store) for the target's and
   * an https proxy's certificate; `undefined` when `NO_PROXY` sends the target direct.
   */
  agentFor(target: URL, ca: string | string[] | undefined): Promise<Agent> | undefined {
    if (target.protocol !== 'https:' || bypasses(target.hostname, this.noProxy)) return undefined;
    const key = JSON.stringify(ca ?? null);
    let agent = this.agents.get(key);
    if (agent === undefined) {
      // Loaded only when a proxy is configured: most processes never need it.
      agent = import('https-proxy-agent').then(
        ({ HttpsProxyAgent }) => new HttpsProxyAgent(this.proxy, { keepAlive: true, ca }),
      );
      this.agents.set(key, agent);
    }
    return agent;
  }

  close(): void {
    for (const agent of this.agents.values()) void agent.then((a) => a.destroy());
    this.agents.clear();
  }
}
