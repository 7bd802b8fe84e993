import {
  AuthenticationError,
  CredentialUnavailableError,
  InvalidResponseError,
} from '../../errors.js';
import { ClientAssertionCredential } from '../servicePrincipal/clientAssertionCredential.js';
import { resolveAuthorityHost } from '../base/authorityHost.js';
import { requireArguments } from '../base/credentialContext.js';
import { fingerprint, tenantPolicyPart } from '../base/identity.js';
import type { MultiTenantCredentialOptions } from '../base/credentialOptions.js';
import { WrappingCredential } from '../base/wrappingCredential.js';
import { trustedCa } from '../base/pipelineOptions.js';
import { httpRequest } from '../http/httpRequest.js';
import { ProxyAgents } from '../http/proxyAgents.js';
import { bodyExcerpt } from '../http/responseText.js';

/** Options of {@link AzurePipelinesCredential}. */
export type AzurePipelinesCredentialOptions = MultiTenantCredentialOptions;

/**
 * Authenticates in an Azure Pipelines job through a service connection with workload identity
 * federation: for each token request it asks the job's OIDC endpoint (`SYSTEM_OIDCREQUESTURI`) for
 * a fresh ID token and uses it as the client assertion.
 *
 * @example
 * ```ts
 * const credential = new AzurePipelinesCredential(tenantId, clientId, serviceConnectionId, process.env.SYSTEM_ACCESSTOKEN!);
 * ```
 */
export class AzurePipelinesCredential extends WrappingCredential {
  private readonly oidcRequestUri: string | undefined;
  /** The HTTP proxy of `proxyOptions` or `HTTPS_PROXY`, for the OIDC endpoint too. */
  private readonly proxy: ProxyAgents | undefined;

  constructor(
    tenantId: string,
    clientId: string,
    serviceConnectionId: string,
    systemAccessToken: string,
    options: AzurePipelinesCredentialOptions = {},
  ) {
    const kind = 'AzurePipelinesCredential';
    requireArguments(kind, { tenantId, clientId, serviceConnectionId, systemAccessToken });
    super(options);
    const env = options.env ?? process.env;
    this.oidcRequestUri = env.SYSTEM_OIDCREQUESTURI?.trim() || undefined;
    this.proxy = ProxyAgents.from(options.proxyOptions, env);
    const getAssertion = (): Promise<string> =>
      this.requestOidcToken(serviceConnectionId, systemAccessToken, options);
    this.inner = new ClientAssertionCredential(tenantId, clientId, getAssertion, {
      ...options,
      env,
      tokenManager: this.tokenManager,
    });
    // Instances of one identity share streams and the first acquires for all: every setting that
    // changes what an acquisition does is part of it, the system token by a one-way fingerprint
    // (a stale token must not keep being used for a fresh instance).
    this.bind({
      kind,
      id: [
        kind,
        resolveAuthorityHost(options.authorityHost, env),
        tenantId,
        clientId,
        serviceConnectionId,
        this.oidcRequestUri ?? 'no-oidc-endpoint',
        fingerprint(systemAccessToken),
        tenantPolicyPart({
          tenantId,
          additionallyAllowedTenants: options.additionallyAllowedTenants ?? [],
          env,
        }),
      ].join('|'),
      label: `${kind}(${clientId})`,
    });
  }

  protected unavailableMessage(): string {
    return 'AzurePipelinesCredential is not configured.';
  }

  override async close(): Promise<void> {
    await super.close();
    this.proxy?.close();
  }

  /** POSTs to the job's OIDC endpoint; errors carry the status, a redacted excerpt and the trace headers. */
  private async requestOidcToken(
    serviceConnectionId: string,
    systemAccessToken: string,
    options: AzurePipelinesCredentialOptions,
  ): Promise<string> {
    if (this.oidcRequestUri === undefined) {
      throw new CredentialUnavailableError(
        'AzurePipelinesCredential is unavailable: SYSTEM_OIDCREQUESTURI is not set (is this an Azure Pipelines job?).',
      );
    }
    const url = new URL(this.oidcRequestUri.replace(/\/+$/, ''));
    url.searchParams.set('api-version', '7.1');
    url.searchParams.set('serviceConnectionId', serviceConnectionId);
    const ca = trustedCa(options.tlsOptions);
    const response = await httpRequest({
      method: 'POST',
      url,
      agent: await this.proxy?.agentFor(url, ca),
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${systemAccessToken}`,
        'X-TFS-FedAuthRedirect': 'Suppress',
      },
      timeoutMs: options.requestTimeoutMs ?? 30_000,
      ca,
    });
    const trace = ['x-vss-e2eid', 'x-msedge-ref']
      .map((h) => `${h}: ${response.headers[h] ?? '-'}`)
      .join(', ');
    if (response.status !== 200) {
      throw new AuthenticationError(response.status, {
        error: 'oidc_token_request_failed',
        errorDescription: `Azure Pipelines' OIDC endpoint answered ${response.status} (${trace}): ${bodyExcerpt(response.text, [systemAccessToken])}`,
      });
    }
    let token: unknown;
    try {
      token = (JSON.parse(response.text) as { oidcToken?: unknown }).oidcToken;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token === '') {
      throw new InvalidResponseError(
        `Azure Pipelines' OIDC endpoint answered 200 without an "oidcToken" (${trace}): ${bodyExcerpt(response.text)}`,
      );
    }
    return token;
  }
}
