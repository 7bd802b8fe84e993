/**
 * The AKS identity-binding token proxy (`enableAzureProxy` of `WorkloadIdentityCredential`): every
 * request to the authority goes to `AZURE_KUBERNETES_TOKEN_PROXY` instead, keeping its path and
 * query, over TLS with `AZURE_KUBERNETES_SNI_NAME` as the server name and the proxy's CA from
 * `AZURE_KUBERNETES_CA_FILE` (re-read on every request, so a rotated CA is picked up) or
 * `AZURE_KUBERNETES_CA_DATA`.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { CredentialUnavailableError } from '../../errors.js';
import type { Environment } from '../base/authorityHost.js';
import type { RequestRoute } from '../msal/networkClient.js';

const KIND = 'WorkloadIdentityCredential';

/** Where the proxy is and how to trust it, as the environment declares it. */
export interface KubernetesTokenProxyConfig {
  /** The proxy's base URL: https, no user info, query or fragment. */
  url: URL;
  sniName?: string;
  caFile?: string;
  caData?: string;
}

function unavailable(message: string): CredentialUnavailableError {
  return new CredentialUnavailableError(`${KIND}: is unavailable. ${message}`);
}

/**
 * The proxy configuration in `env`, or `undefined` when `AZURE_KUBERNETES_TOKEN_PROXY` is not set
 * (the credential then talks to the authority itself). Throws `CredentialUnavailableError` for a
 * configuration that cannot be right: the SNI name or a CA without the proxy, both a CA file and
 * CA data, a proxy URL that is not plain https.
 */
export function kubernetesTokenProxyFromEnv(
  env: Environment,
): KubernetesTokenProxyConfig | undefined {
  const proxy = env.AZURE_KUBERNETES_TOKEN_PROXY || undefined;
  const sniName = env.AZURE_KUBERNETES_SNI_NAME || undefined;
  const caFile = env.AZURE_KUBERNETES_CA_FILE || undefined;
  const caData = env.AZURE_KUBERNETES_CA_DATA || undefined;
  if (proxy === undefined) {
    if (sniName !== undefined || caFile !== undefined || caData !== undefined)
      throw unavailable(
        'AZURE_KUBERNETES_TOKEN_PROXY is not set but AZURE_KUBERNETES_SNI_NAME, AZURE_KUBERNETES_CA_FILE or AZURE_KUBERNETES_CA_DATA is.',
      );
    return undefined;
  }
  if (caFile !== undefined && caData !== undefined)
    throw unavailable(
      'AZURE_KUBERNETES_CA_FILE and AZURE_KUBERNETES_CA_DATA are mutually exclusive. Specify only one.',
    );
  return { url: parseProxyUrl(proxy), sniName, caFile, caData };
}

function parseProxyUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw unavailable('AZURE_KUBERNETES_TOKEN_PROXY is not a URL.');
  }
  // The messages name the origin only: a URL with user info or a query may carry a secret.
  if (url.protocol !== 'https:')
    throw unavailable(`AZURE_KUBERNETES_TOKEN_PROXY must use https, not "${url.protocol}".`);
  if (url.username !== '' || url.password !== '')
    throw unavailable('AZURE_KUBERNETES_TOKEN_PROXY must not contain user info.');
  if (url.search !== '')
    throw unavailable('AZURE_KUBERNETES_TOKEN_PROXY must not contain a query.');
  if (url.hash !== '')
    throw unavailable('AZURE_KUBERNETES_TOKEN_PROXY must not contain a fragment.');
  return url;
}

/** Whether `pem` holds at least one X.509 certificate that parses. */
function holdsCertificate(pem: string): boolean {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return (
    blocks.length > 0 &&
    blocks.every((block) => {
      try {
        new X509Certificate(block);
        return true;
      } catch {
        return false;
      }
    })
  );
}

/**
 * Sends the credential's requests to the proxy. The connection pool is rebuilt when the CA file's
 * content changes; an empty CA file (a rotation half done) keeps the pool built from the last CA,
 * and is refused only when there is none yet.
 */
export class KubernetesTokenProxy implements RequestRoute {
  private agent: Agent | undefined;
  /** The CA text the current agent trusts (file mode). */
  private agentCa: string | undefined;
  /** Pools replaced by a rotation, closed with the route (their sockets may be in use). */
  private readonly retired: Agent[] = [];

  constructor(private readonly config: KubernetesTokenProxyConfig) {
    if (config.caData !== undefined && !holdsCertificate(config.caData))
      throw unavailable('AZURE_KUBERNETES_CA_DATA holds no valid PEM certificate.');
    // Fail at construction on a CA file that is missing or invalid, as the anchor does.
    this.currentAgent();
  }

  route(url: string): { url: string; agent: Agent } {
    const original = new URL(url);
    const target = new URL(this.config.url.origin);
    const base = this.config.url.pathname;
    target.pathname = (base.endsWith('/') ? base : `${base}/`) + original.pathname.slice(1);
    target.search = original.search;
    return { url: target.toString(), agent: this.currentAgent() };
  }

  close(): void {
    this.agent?.destroy();
    this.retired.splice(0).forEach((agent) => agent.destroy());
  }

  private currentAgent(): Agent {
    const { caFile, caData, sniName } = this.config;
    if (caFile === undefined) {
      this.agent ??= new Agent({ keepAlive: true, servername: sniName, ca: caData });
      return this.agent;
    }
    const ca = this.readCaFile(caFile);
    if (ca === '') {
      if (this.agent !== undefined) return this.agent;
      throw unavailable(`The CA file in AZURE_KUBERNETES_CA_FILE is empty: ${caFile}`);
    }
    if (this.agent !== undefined && ca === this.agentCa) return this.agent;
    if (!holdsCertificate(ca))
      throw unavailable(
        `The CA file in AZURE_KUBERNETES_CA_FILE holds no valid PEM certificate: ${caFile}`,
      );
    if (this.agent !== undefined) this.retired.push(this.agent);
    // Keep the last pool before this one (a request may still be on it); older ones are idle.
    while (this.retired.length > 1) this.retired.shift()?.destroy();
    this.agent = new Agent({ keepAlive: true, servername: sniName, ca });
    this.agentCa = ca;
    return this.agent;
  }

  private readCaFile(path: string): string {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw unavailable(
        `Failed to read the CA file in AZURE_KUBERNETES_CA_FILE (${code}): ${path}`,
      );
    }
  }
}
