/**
 * The command line of `reactive-identity serve`, read and checked before anything starts: a
 * non-loopback `--host` needs `--allow-remote`, and then HTTPS (`--tls-cert` and `--tls-key`).
 * Every refusal is a {@link UsageError} (exit code 2) that says what to pass instead.
 */
import { parseArgs } from 'node:util';
import { isWellFormedScope, isWellFormedTenantId } from '../credentials/base/wellFormed.js';
import { isLoopbackHost } from '../service/hostPolicy.js';
import { MAX_RESOURCE_LENGTH } from '../service/tokenRequest.js';
import { credentialName, type CredentialName } from './credentialNames.js';
import { messageOf, portNumber, positiveNumber, UsageError } from './usage.js';

/** The port `serve` listens on unless told otherwise. */
export const DEFAULT_SERVE_PORT = 42424;
export const DEFAULT_SERVE_HOST = '127.0.0.1';

/** What `serve` was asked to do. */
export interface ServeConfig {
  host: string;
  port: number;
  allowRemote: boolean;
  tls?: { certFile: string; keyFile: string };
  /** Absent: `default` when Azure is configured, else the embedded emulator. */
  credential?: CredentialName;
  tenantId?: string;
  scopes: string[];
  allowResources: string[];
  /** Distinct resources served before new ones get a 429 (default 100). */
  maxResources?: number;
  sidecarEnvFile?: string;
  identityHeaderFile?: string;
  showIdentityHeader: boolean;
  otlpUrl?: string;
  /** Emulator token lifetime, seconds. */
  tokenLifetimeSeconds?: number;
  /** Status table redraw interval on a terminal, ms. */
  intervalMs?: number;
}

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'allow-remote': { type: 'boolean' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  credential: { type: 'string' },
  tenant: { type: 'string' },
  scope: { type: 'string', multiple: true },
  'allow-resource': { type: 'string', multiple: true },
  'max-resources': { type: 'string' },
  'sidecar-env': { type: 'string' },
  'identity-header-file': { type: 'string' },
  'show-identity-header': { type: 'boolean' },
  'otlp-url': { type: 'string' },
  lifetime: { type: 'string' },
  interval: { type: 'string' },
} as const;

/** Reads `serve`'s arguments (those after the command name). */
export function parseServeArgs(args: string[]): ServeConfig {
  const { values } = parseCommandLine(args);
  const host = normalizeHost(values.host ?? DEFAULT_SERVE_HOST);
  const allowRemote = values['allow-remote'] === true;
  const tls = tlsFiles(values['tls-cert'], values['tls-key']);
  if (!isLoopbackHost(host)) {
    if (!allowRemote) {
      throw new UsageError(
        `--host ${host} is not a loopback address: anyone who can reach it could ask for tokens. ` +
          'Listen on 127.0.0.1 (the default), or pass --allow-remote with --tls-cert and --tls-key.',
      );
    }
    if (tls === undefined) {
      throw new UsageError(
        `--allow-remote --host ${host} serves tokens over the network: it requires HTTPS ` +
          '(--tls-cert <pem file> --tls-key <pem file>).',
      );
    }
  }
  return {
    host,
    port: portNumber(values.port, '--port') ?? DEFAULT_SERVE_PORT,
    allowRemote,
    tls,
    credential: credentialName(values.credential),
    tenantId: tenant(values.tenant),
    scopes: (values.scope ?? []).map((s) => checked(s, '--scope')),
    allowResources: (values['allow-resource'] ?? []).map((r) => checked(r, '--allow-resource')),
    maxResources: wholeNumber(values['max-resources'], '--max-resources'),
    sidecarEnvFile: nonEmpty(values['sidecar-env'], '--sidecar-env'),
    identityHeaderFile: nonEmpty(values['identity-header-file'], '--identity-header-file'),
    showIdentityHeader: values['show-identity-header'] === true,
    otlpUrl: otlpUrl(values['otlp-url']),
    tokenLifetimeSeconds: positiveNumber(values.lifetime, '--lifetime'),
    intervalMs: positiveNumber(values.interval, '--interval'),
  };
}

function wholeNumber(value: string | undefined, flag: string): number | undefined {
  const n = positiveNumber(value, flag);
  if (n !== undefined && !Number.isInteger(n))
    throw new UsageError(`${flag} must be a whole number, got "${value}".`);
  return n;
}

function parseCommandLine(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
}

/** `localhost` binds 127.0.0.1 (not whatever the resolver says first); brackets are dropped. */
function normalizeHost(host: string): string {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (bare === '') throw new UsageError('--host is empty.');
  return bare.toLowerCase() === 'localhost' ? DEFAULT_SERVE_HOST : bare;
}

function tlsFiles(cert: string | undefined, key: string | undefined): ServeConfig['tls'] {
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined)
    throw new UsageError('--tls-cert and --tls-key go together: pass both PEM files.');
  return { certFile: cert, keyFile: key };
}

function checked(value: string, flag: string): string {
  if (value.length === 0 || value.length > MAX_RESOURCE_LENGTH + 9 || !isWellFormedScope(value))
    throw new UsageError(`${flag} must be a URI of characters [0-9A-Za-z-_.:/], got "${value}".`);
  return value;
}

function tenant(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isWellFormedTenantId(value))
    throw new UsageError(`--tenant must be a tenant id or domain, got "${value}".`);
  return value;
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`${flag} is empty.`);
  return value;
}

function otlpUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // The value is not echoed: a collector URL may carry credentials.
  const refused = () => new UsageError('--otlp-url must be an http(s) URL.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refused();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused();
  return value;
}
