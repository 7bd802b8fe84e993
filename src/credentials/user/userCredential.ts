import { randomUUID } from 'node:crypto';
import type { AccessToken, GetTokenOptions } from '@azure/core-auth';
import type { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import { AuthenticationRequiredError, isAuthenticationRequiredError } from '../../errors.js';
import { ReactiveCredential } from '../../streams/reactiveCredential.js';
import { normalizeScopes } from '../../streams/streamKey.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import { toAuthenticationRecord, type AuthenticationRecord } from './authenticationRecord.js';
import type { MultiTenantCredentialOptions } from '../base/credentialOptions.js';
import { credentialContext, type CredentialContext } from '../base/credentialContext.js';
import type { MsalClient, MsalToken } from '../msal/msalClient.js';
import { resolveTenant } from '../base/tenantId.js';
import { requireArguments } from '../base/credentialContext.js';
import { fromSilentError } from '../msal/msalErrors.js';
import { PublicClient } from '../msal/publicClient.js';
import { tenantPolicyPart } from '../base/identity.js';

/** Options of credentials that sign a user in. */
export interface InteractiveCredentialOptions extends MultiTenantCredentialOptions {
  /** A previous sign-in (from `authenticate()`), so tokens come silently from MSAL's cache. */
  authenticationRecord?: AuthenticationRecord;
  /** When no token can be had silently, throw `AuthenticationRequiredError` instead of prompting. */
  disableAutomaticAuthentication?: boolean;
}

/** Options of `authenticate`: those of `getToken`, as in `@azure/identity` (`tenantId`, `enableCae`, `abortSignal`). */
export type AuthenticateOptions = GetTokenOptions;

/**
 * The base of credentials that act for a user: silent first (MSAL's refresh token for the
 * remembered account), then the credential's interactive step unless automatic authentication
 * is disabled. After one sign-in, every refresh of every stream is silent.
 */
export abstract class UserCredential extends ReactiveCredential {
  protected readonly context: CredentialContext;
  protected record: AuthenticationRecord | undefined;
  private readonly disableAutomaticAuthentication: boolean;

  protected constructor(
    kind: string,
    tenantId: string,
    protected readonly clientId: string,
    options: InteractiveCredentialOptions & { secrets?: readonly string[] },
  ) {
    super(options);
    this.context = credentialContext(
      kind,
      tenantId,
      options,
      options.secrets ?? [],
      this.services.scheduler,
    );
    this.logger = this.context.logger;
    this.record = options.authenticationRecord;
    this.disableAutomaticAuthentication = options.disableAutomaticAuthentication === true;
    // Instances share tokens only when they stand for the same signed-in account.
    const account = this.record?.homeAccountId ?? `instance:${randomUUID()}`;
    this.bind({
      kind,
      id: [
        kind,
        this.context.authorityHost,
        clientId,
        account,
        this.context.tenants.tenantId,
        // The first instance of an identity resolves tenants for all: its rule must be theirs.
        tenantPolicyPart(this.context.tenants),
      ].join('|'),
      label: `${kind}(${clientId})`,
    });
  }

  /** The MSAL client that holds this credential's accounts. */
  protected abstract get msal(): MsalClient<
    PublicClientApplication | ConfidentialClientApplication
  >;

  /** The credential's interactive step (device code, browser, code redemption). */
  protected abstract interact(request: AcquireRequest): Promise<MsalToken>;

  /**
   * Signs the user in interactively (even when automatic authentication is disabled) and returns
   * the record that lets this or a new credential get tokens silently later.
   */
  async authenticate(
    scopes: string | string[],
    options: AuthenticateOptions = {},
  ): Promise<AuthenticationRecord | undefined> {
    const request: AcquireRequest = {
      scopes: normalizeScopes(scopes),
      tenantId: this.resolveRequestTenant(options.tenantId),
      enableCae: options.enableCae === true,
      reason: 'initial',
      abortSignal: asAbortSignal(options.abortSignal),
    };
    this.remember(await this.interact(request));
    return this.record;
  }

  protected override resolveRequestTenant(tenantId: string | undefined): string {
    return resolveTenant(this.context.tenants, tenantId);
  }

  /**
   * Silently first; then the interactive step, but only for a caller that waits for the token:
   * a refresh the engine runs on its own (`proactive`) never shows a prompt, and a sign-in whose
   * last waiting caller leaves is cancelled (see {@link attended}).
   */
  protected async acquireToken(request: AcquireRequest): Promise<AccessToken> {
    const required = await this.silently(request);
    if (!isAuthenticationRequiredError(required)) return required;
    if (this.disableAutomaticAuthentication || request.reason === 'proactive') throw required;
    const result = await this.interact(attended(request));
    this.remember(result);
    return result.token;
  }

  /** The silent token, or why the user must sign in (an expired or revoked refresh token...). */
  private async silently(
    request: AcquireRequest,
  ): Promise<AccessToken | AuthenticationRequiredError> {
    const scopes = [...request.scopes];
    if (this.record === undefined) {
      const hint = this.disableAutomaticAuthentication
        ? 'automatic authentication is disabled; call authenticate() first.'
        : 'no user is signed in yet.';
      return new AuthenticationRequiredError(scopes, `${this.context.kind}: ${hint}`);
    }
    try {
      return (await this.msal.acquireSilent(request, this.record.homeAccountId)).token;
    } catch (error) {
      const mapped = fromSilentError(error, scopes);
      if (isAuthenticationRequiredError(mapped)) return mapped;
      throw mapped;
    }
  }

  private remember(result: MsalToken): void {
    if (result.account !== null) {
      this.record = toAuthenticationRecord(
        result.account,
        this.clientId,
        this.context.authorityHost,
      );
    }
  }

  override async close(): Promise<void> {
    await super.close();
    this.context.network.close();
  }
}

/**
 * The request as the interactive step sees it: its `abortSignal` also fires when no caller waits
 * for the token any more (the engine keeps the key's acquisition running to keep it warm, but a
 * prompt nobody sees must stop: device code polling ends, the browser's loopback listener closes).
 */
function attended(request: AcquireRequest): AcquireRequest {
  const { unattendedSignal } = request;
  if (unattendedSignal === undefined) return request;
  return { ...request, abortSignal: AbortSignal.any([request.abortSignal, unattendedSignal]) };
}

/** A DOM `AbortSignal` that follows `@azure/core-auth`'s `AbortSignalLike` (a new one if none). */
function asAbortSignal(signal: GetTokenOptions['abortSignal']): AbortSignal {
  if (signal instanceof AbortSignal) return signal;
  const controller = new AbortController();
  if (signal?.aborted) controller.abort();
  else signal?.addEventListener('abort', () => controller.abort(), { once: true });
  return controller.signal;
}

/** The Azure CLI's public client id, the anchor's default for user flows. */
export const DEVELOPER_SIGN_ON_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

/** Options of user credentials that are public clients (device code, browser). */
export interface PublicUserCredentialOptions extends InteractiveCredentialOptions {
  /** Default `organizations` (or the record's tenant). */
  tenantId?: string;
  /** Default: the Azure CLI's public client id, as in `@azure/identity`. */
  clientId?: string;
}

/** The base of user credentials that sign in as a public client application. */
export abstract class PublicUserCredential extends UserCredential {
  protected readonly client: PublicClient;

  protected constructor(kind: string, options: PublicUserCredentialOptions) {
    if (options.clientId !== undefined) requireArguments(kind, { clientId: options.clientId });
    const clientId = options.clientId ?? DEVELOPER_SIGN_ON_CLIENT_ID;
    const tenantId = options.tenantId ?? options.authenticationRecord?.tenantId ?? 'organizations';
    super(kind, tenantId, clientId, options);
    const { authorityHost, network, logger } = this.context;
    this.client = new PublicClient({
      clientId,
      authorityHost,
      network,
      logger,
      secrets: [],
      caches: this.services.msalCaches,
    });
  }

  protected get msal(): PublicClient {
    return this.client;
  }
}
