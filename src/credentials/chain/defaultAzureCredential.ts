import type { AccessToken } from '@azure/core-auth';
import { catchError, map, type Observable, tap, throwError } from 'rxjs';
import { InvalidArgumentError } from '../../errors.js';
import { ReactiveCredential } from '../../streams/reactiveCredential.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import {
  acquirerOf,
  chainDecisions,
  continuesChain,
  walkChain,
  type ChainLink,
  type ChainWalk,
} from './chainedTokenCredential.js';
import type { MultiTenantCredentialOptions } from '../base/credentialOptions.js';
import type { InteractiveBrowserCredentialNodeOptions } from '../user/interactiveBrowserCredential.js';
import { createLink, selectedLinks } from './defaultChainLinks.js';

export {
  AZURE_TOKEN_CREDENTIALS_VALUES,
  DEFAULT_MANAGED_IDENTITY_PROBE_TIMEOUT_MS,
} from './defaultChainLinks.js';

/** The environment variables `requiredEnvVars` may name, as `@azure/identity` lists them. */
export type DefaultAzureCredentialEnvVars =
  | 'AZURE_TOKEN_CREDENTIALS'
  | 'AZURE_CLIENT_ID'
  | 'AZURE_TENANT_ID'
  | 'AZURE_CLIENT_SECRET'
  | 'AZURE_CLIENT_CERTIFICATE_PATH'
  | 'AZURE_CLIENT_CERTIFICATE_PASSWORD'
  | 'AZURE_ADDITIONALLY_ALLOWED_TENANTS'
  | 'AZURE_CLIENT_SEND_CERTIFICATE_CHAIN'
  | 'AZURE_FEDERATED_TOKEN_FILE';

/**
 * Options of {@link DefaultAzureCredential}, as `@azure/identity` names them. The managed and
 * workload identity's ids come with {@link DefaultAzureCredentialClientIdOptions} or
 * {@link DefaultAzureCredentialResourceIdOptions}.
 */
export interface DefaultAzureCredentialOptions extends MultiTenantCredentialOptions {
  /** The tenant for the developer-tool, workload identity and browser links. */
  tenantId?: string;
  /** Timeout of each developer tool. Default 10 000 ms. */
  processTimeoutInMs?: number;
  /** How long the IMDS probe may take before managed identity counts as absent. Default 1 000 ms. */
  managedIdentityProbeTimeoutMs?: number;
  excludeEnvironmentCredential?: boolean;
  excludeWorkloadIdentityCredential?: boolean;
  excludeManagedIdentityCredential?: boolean;
  /** Leaves out the Visual Studio Code link (unavailable here: see VisualStudioCodeCredential). */
  excludeVisualStudioCodeCredential?: boolean;
  excludeAzureCliCredential?: boolean;
  excludeAzurePowerShellCredential?: boolean;
  excludeAzureDeveloperCliCredential?: boolean;
  /** The browser sign-in is the last link, and only when this is `false`. Default `true`. */
  excludeInteractiveBrowserCredential?: boolean;
  /** Options of the browser link, when it is included. */
  interactiveBrowserOptions?: InteractiveBrowserCredentialNodeOptions;
  /** Environment variables that must be set (and not empty); construction throws otherwise. */
  requiredEnvVars?: DefaultAzureCredentialEnvVars | DefaultAzureCredentialEnvVars[];
}

/** {@link DefaultAzureCredentialOptions} with a user-assigned managed identity by client id. */
export interface DefaultAzureCredentialClientIdOptions extends DefaultAzureCredentialOptions {
  /** A user-assigned managed identity by client id. Default: `AZURE_CLIENT_ID`. */
  managedIdentityClientId?: string;
  /** The client id for workload identity. Default: `AZURE_CLIENT_ID`. */
  workloadIdentityClientId?: string;
}

/** {@link DefaultAzureCredentialOptions} with a user-assigned managed identity by resource id. */
export interface DefaultAzureCredentialResourceIdOptions extends DefaultAzureCredentialOptions {
  /** A user-assigned managed identity by Azure resource id (instead of the client id). */
  managedIdentityResourceId: string;
}

/** Every option the constructor may be given. */
export type AnyDefaultAzureCredentialOptions = DefaultAzureCredentialClientIdOptions &
  Partial<DefaultAzureCredentialResourceIdOptions>;

/** Where the aggregate error sends people. */
export const TROUBLESHOOTING_HINT =
  'To troubleshoot, see the "Troubleshooting" section of the reactive-identity README.';

/**
 * The chain that picks the right credential wherever the code runs: environment variables,
 * workload identity and managed identity in Azure; the Azure CLI, Azure PowerShell and the Azure
 * Developer CLI on a developer's machine; optionally the browser. `AZURE_TOKEN_CREDENTIALS`
 * (`dev`, `prod` or one credential's name) narrows it. Developer links always pass to the next on
 * failure; deployed ones stop the chain when they could try and were refused. Once a link has
 * answered, later acquisitions go to it first.
 *
 * @example
 * ```ts
 * const credential = new DefaultAzureCredential();
 * const client = new SecretClient(vaultUrl, credential);
 * ```
 */
export class DefaultAzureCredential extends ReactiveCredential {
  private readonly links: ChainLink[];
  private readonly credentials: ReactiveCredential[];
  private preferred: number | undefined;

  constructor(options?: DefaultAzureCredentialClientIdOptions);
  constructor(options?: DefaultAzureCredentialResourceIdOptions);
  constructor(options?: DefaultAzureCredentialOptions);
  constructor(options: AnyDefaultAzureCredentialOptions = {}) {
    super(options);
    const env = options.env ?? process.env;
    checkRequiredEnvVars([options.requiredEnvVars ?? []].flat(), env);
    const selection = selectedLinks(env.AZURE_TOKEN_CREDENTIALS, options);
    const single = selection.length === 1;
    this.credentials = selection.map((link) =>
      createLink(link.name, { ...options, env, tokenManager: this.tokenManager }, single),
    );
    this.links = selection.map((link, i) => {
      const acquire = acquirerOf(this.credentials[i]!);
      return { name: link.name, acquire, continuesOn: link.deployed ? continuesChain : () => true };
    });
    const identity = () => ({
      kind: 'DefaultAzureCredential',
      id: `DefaultAzureCredential(${this.credentials.map((c) => c.identityId).join(',')})`,
      label: `DefaultAzureCredential(${selection.map((l) => l.name).join(',')})`,
    });
    this.bind(identity());
    // A developer tool signed in as someone else: the chain's cached tokens go with the old login.
    for (const link of this.credentials) link.onIdentityChange(() => this.rebind(identity()));
  }

  /** The link that answered last, which later acquisitions try first. */
  get selectedCredential(): string | undefined {
    return this.preferred === undefined ? undefined : this.links[this.preferred]?.name;
  }

  protected acquireToken(request: AcquireRequest): Observable<AccessToken> {
    const all = this.links.map((_, i) => i);
    const walk: ChainWalk = {
      request,
      tracer: this.services.tracer,
      name: 'DefaultAzureCredential',
      help: TROUBLESHOOTING_HINT,
      decided: chainDecisions(this.services, this.tokenManager, () => this.boundIdentity, request),
    };
    const remember = tap(({ index }: { token: AccessToken; index: number }) => {
      this.preferred = index;
    });
    const full = walkChain(this.links, all, walk).pipe(remember);
    if (this.preferred === undefined) return full.pipe(map(({ token }) => token));
    // The link that answered before goes first. If it fails now with an error that moves the
    // chain on, the whole chain is walked again; with one that stops it, that error is the answer
    // (as the anchor's walk from the start would end there too), without a second round of tries.
    const preferred = this.links[this.preferred]!;
    return walkChain(this.links, [this.preferred], walk).pipe(
      catchError((error: unknown) => {
        if (!preferred.continuesOn(error)) return throwError(() => error);
        this.preferred = undefined;
        return full;
      }),
      map(({ token }) => token),
    );
  }

  override async close(): Promise<void> {
    await super.close();
    await Promise.all(this.credentials.map((c) => c.close()));
  }
}

function checkRequiredEnvVars(
  names: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): void {
  const missing = names.filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new InvalidArgumentError(
      `DefaultAzureCredential: required environment variables are missing or empty: ${missing.join(', ')}.`,
    );
  }
}
