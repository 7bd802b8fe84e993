/**
 * The AKS identity-binding token proxy: TLS for one server name, with a CA of its own that can
 * rotate, in front of the authority's request handler.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import { createCertificateAuthority, issueServerCertificate } from '../certificates.js';
import { closeListener, listen, LOOPBACK_HOST } from '../http/listener.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CertificatePair } from '../types.js';
import type {
  KubernetesTokenProxyEmulator,
  KubernetesTokenProxyOptions,
} from './federationTypes.js';

const DEFAULT_SNI_NAME = 'token-proxy.aks.emulator.local';

interface ProxyCertificate {
  ca: string;
  context: SecureContext;
}

async function issueProxyCertificate(sniName: string, round: number): Promise<ProxyCertificate> {
  const ca = await createCertificateAuthority({
    commonName: `reactive-identity AKS token proxy CA ${round}`,
  });
  const leaf: CertificatePair = await issueServerCertificate(ca, { dnsNames: [sniName] });
  return { ca: ca.certPem, context: createSecureContext({ key: leaf.keyPem, cert: leaf.certPem }) };
}

/** Normalises a path prefix to `''` or `/a/b` (leading slash, none trailing). */
function normalisePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

/** Starts the proxy in front of `handler` (the authority's request listener). */
export async function startKubernetesTokenProxy(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: KubernetesTokenProxyOptions = {},
): Promise<KubernetesTokenProxyEmulator> {
  const sniName = options.sniName ?? DEFAULT_SNI_NAME;
  const prefix = normalisePrefix(options.pathPrefix);
  let round = 1;
  let current = await issueProxyCertificate(sniName, round);
  let requests = 0;
  let refused = 0;
  const server = createServer({
    SNICallback: (name, done) => {
      if (name === sniName) done(null, current.context);
      else {
        refused += 1;
        done(new Error(`the token proxy serves ${sniName} only`));
      }
    },
  });
  // A client that sends no server name at all gets no certificate either.
  server.on('tlsClientError', () => undefined);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    if (
      prefix !== '' &&
      !(path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`))
    ) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not behind the token proxy prefix');
      return;
    }
    requests += 1;
    req.url = path.slice(prefix.length) || '/';
    handler(req, res);
  });
  const listener = await listen(server, 0);
  const url = `https://${LOOPBACK_HOST}:${listener.port}${prefix}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    sniName,
    get ca() {
      return current.ca;
    },
    requests: () => requests,
    refusedHandshakes: () => refused,
    rotateCertificate: async () => {
      round += 1;
      current = await issueProxyCertificate(sniName, round);
      // Pooled connections and resumable sessions carry the old certificate: end both, so a
      // client sees the new one at once (and one that still trusts only the old CA fails).
      server.setTicketKeys(randomBytes(48));
      server.closeIdleConnections();
      return current.ca;
    },
    env: () => ({
      AZURE_KUBERNETES_TOKEN_PROXY: url,
      AZURE_KUBERNETES_SNI_NAME: sniName,
      AZURE_KUBERNETES_CA_DATA: current.ca,
    }),
    stop: () => (stopping ??= closeListener(listener)),
  };
}
