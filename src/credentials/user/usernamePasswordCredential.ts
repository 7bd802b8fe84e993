import type { AccessToken } from '@azure/core-auth';
import {
  AuthenticationError,
  AuthenticationRequiredError,
  CredentialUnavailableError,
  isAuthenticationRequiredError,
} from '../../errors.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import { fingerprint, tenantPolicyPart } from '../base/identity.js';
import type { MultiTenantCredentialOptions } from '../base/credentialOptions.js';
import type { MsalToken } from '../msal/msalClient.js';
import { PublicClient } from '../msal/publicClient.js';
import { toAuthenticationRecord } from './authenticationRecord.js';
import { UserCredential } from './userCredential.js';

const KIND = 'UsernamePasswordCredential';

/** The anchor's troubleshooting page, which its constructor errors name. */
const TROUBLESHOOT = 'https://aka.ms/azsdk/js/identity/usernamepasswordcredential/troubleshoot';

/**
 * What the deprecation says, once per process (`process.emitWarning`) and on each construction
 * (the credential's logger, at warning level).
 */
export const USERNAME_PASSWORD_DEPRECATION =
  'UsernamePasswordCredential is deprecated: username and password authentication does not support multifactor authentication (MFA). Use a more secure credential. See https://aka.ms/azsdk/identity/mfa for details.';

/** The code of the process warning. */
export const USERNAME_PASSWORD_DEPRECATION_CODE = 'REACTIVE_IDENTITY_USERNAME_PASSWORD';

/**
 * Options of {@link UsernamePasswordCredential}.
 *
 * @deprecated UsernamePasswordCredential is deprecated. Use a more secure credential. See
 *   https://aka.ms/azsdk/identity/mfa for details.
 */
export type UsernamePasswordCredentialOptions = MultiTenantCredentialOptions;

let warned = false;

/** Emits the deprecation warning the first time in this process; for tests, `reset` re-arms it. */
export function warnUsernamePasswordDeprecated(reset = false): void {
  if (reset) {
    warned = false;
    return;
  }
  if (warned) return;
  warned = true;
  process.emitWarning(USERNAME_PASSWORD_DEPRECATION, {
    type: 'DeprecationWarning',
    code: USERNAME_PASSWORD_DEPRECATION_CODE,
  });
}

/**
 * AADSTS codes of a sign-in that needs more than a password (MFA, its registration, a strong or
 * external challenge): what MSAL would raise as interaction required, from the suberror.
 */
const NEEDS_INTERACTION = new Set([50074, 50076, 50079, 50158]);

/** Whether the authority refused the password sign-in because the user must interact. */
function needsInteraction(error: unknown): boolean {
  if (!(error instanceof AuthenticationError)) return false;
  const { error: code, errorCodes = [] } = error.errorResponse;
  return (
    ['interaction_required', 'consent_required', 'login_required'].includes(code) ||
    errorCodes.some((number) => NEEDS_INTERACTION.has(number))
  );
}

/** Whether the authority (not the network) refused MSAL's refresh token. */
function refreshRefused(error: unknown): boolean {
  if (isAuthenticationRequiredError(error)) return true;
  return error instanceof AuthenticationError && !error.transient;
}

/** MSAL's public client with the resource owner password grant (ROPC). */
class PasswordClient extends PublicClient {
  acquireByUsernamePassword(
    request: AcquireRequest,
    username: string,
    password: string,
  ): Promise<MsalToken> {
    return this.run(request, (app) =>
      app.acquireTokenByUsernamePassword({
        scopes: [...request.scopes],
        username,
        password,
        claims: request.claims,
      }),
    );
  }
}

/**
 * Signs a user in with their username and password (OAuth 2.0 resource owner password
 * credentials, through MSAL), with the constructor of `@azure/identity`. The first token comes
 * from the password grant; later ones silently from MSAL's refresh token, and the password grant
 * again when that fails. Accounts that need multifactor authentication cannot sign in this way
 * (AADSTS50076, an `AuthenticationRequiredError`); a wrong password is an `AuthenticationError`
 * (`invalid_grant`, AADSTS50126). The password never appears in a log line or an error.
 *
 * Instances with the same authority, tenant, client, username and password share tokens.
 *
 * @deprecated UsernamePasswordCredential is deprecated. Use a more secure credential. See
 *   https://aka.ms/azsdk/identity/mfa for details.
 */
export class UsernamePasswordCredential extends UserCredential {
  private readonly client: PasswordClient;
  private readonly username: string;
  private readonly password: string;

  /**
   * @param tenantId - The Microsoft Entra tenant (directory).
   * @param clientId - The client (application) ID of an App Registration in the tenant.
   * @param username - The user account's e-mail address (user name).
   * @param password - The user account's account password.
   * @param options - Options for configuring the client which makes the authentication request.
   */
  constructor(
    tenantId: string,
    clientId: string,
    username: string,
    password: string,
    options: UsernamePasswordCredentialOptions = {},
  ) {
    for (const [name, value] of Object.entries({ tenantId, clientId, username, password })) {
      if (!value) {
        throw new CredentialUnavailableError(
          `${KIND}: ${name} is a required parameter. To troubleshoot, visit ${TROUBLESHOOT}.`,
        );
      }
    }
    super(KIND, tenantId, clientId, { ...options, secrets: [password] });
    warnUsernamePasswordDeprecated();
    this.logger?.warning(USERNAME_PASSWORD_DEPRECATION);
    const { authorityHost, network, logger } = this.context;
    this.client = new PasswordClient({
      clientId,
      authorityHost,
      network,
      logger,
      secrets: [password],
      caches: this.services.msalCaches,
    });
    this.username = username;
    this.password = password;
    // The same account and password are the same user: instances share tokens.
    this.rebind({
      kind: KIND,
      id: [
        KIND,
        authorityHost,
        clientId,
        this.context.tenants.tenantId,
        tenantPolicyPart(this.context.tenants),
        username.toLowerCase(),
        fingerprint(username.toLowerCase(), password),
      ].join('|'),
      label: `${KIND}(${clientId})`,
    });
  }

  protected get msal(): PasswordClient {
    return this.client;
  }

  /**
   * Silently through MSAL's refresh token once signed in; the password grant first, and again
   * whenever the authority refuses the refresh token (the password is still good).
   */
  protected override async acquireToken(request: AcquireRequest): Promise<AccessToken> {
    if (this.record !== undefined) {
      try {
        return (await this.client.acquireSilent(request, this.record.homeAccountId)).token;
      } catch (error) {
        if (!refreshRefused(error)) throw error;
      }
    }
    const result = await this.interact(request);
    if (result.account !== null) {
      this.record = toAuthenticationRecord(
        result.account,
        this.clientId,
        this.context.authorityHost,
      );
    }
    return result.token;
  }

  /** The password grant. A user who must do more than type a password: `AuthenticationRequiredError`. */
  protected async interact(request: AcquireRequest): Promise<MsalToken> {
    try {
      return await this.client.acquireByUsernamePassword(request, this.username, this.password);
    } catch (error) {
      if (!needsInteraction(error)) throw error;
      throw new AuthenticationRequiredError(
        [...request.scopes],
        `${KIND}: the account needs interactive authentication (multifactor authentication or consent), which the password grant cannot do: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}
