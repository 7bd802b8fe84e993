import type { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import { AuthenticationRequiredError } from '../../errors.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import { requireArguments } from '../base/credentialContext.js';
import type { MultiTenantCredentialOptions } from '../base/credentialOptions.js';
import { ConfidentialClient } from '../msal/confidentialClient.js';
import type { MsalClient, MsalToken } from '../msal/msalClient.js';
import { PublicClient } from '../msal/publicClient.js';
import { UserCredential } from './userCredential.js';

/** Options of {@link AuthorizationCodeCredential}. */
export interface AuthorizationCodeCredentialOptions extends MultiTenantCredentialOptions {
  /**
   * The PKCE code verifier, when your app sent a `code_challenge` with the authorization request
   * (public clients should). An addition to `@azure/identity`'s options.
   */
  codeVerifier?: string;
}

/**
 * Redeems an authorization code your web app received, once, then gets every later token
 * silently through MSAL's refresh token. With a client secret it is a confidential client;
 * without, a public one.
 *
 * @example
 * ```ts
 * const credential = new AuthorizationCodeCredential(tenantId, clientId, clientSecret, code, redirectUri);
 * ```
 */
export class AuthorizationCodeCredential extends UserCredential {
  private readonly client: ConfidentialClient | PublicClient;
  private code: string | undefined;
  private readonly redirectUri: string;
  private readonly codeVerifier: string | undefined;

  constructor(
    tenantId: string,
    clientId: string,
    authorizationCode: string,
    redirectUri: string,
    options?: AuthorizationCodeCredentialOptions,
  );
  constructor(
    tenantId: string,
    clientId: string,
    clientSecret: string,
    authorizationCode: string,
    redirectUri: string,
    options?: AuthorizationCodeCredentialOptions,
  );
  constructor(
    tenantId: string,
    clientId: string,
    secretOrCode: string,
    codeOrRedirect: string,
    redirectOrOptions?: string | AuthorizationCodeCredentialOptions,
    maybeOptions?: AuthorizationCodeCredentialOptions,
  ) {
    const confidential = typeof redirectOrOptions === 'string';
    const clientSecret = confidential ? secretOrCode : undefined;
    const code = confidential ? codeOrRedirect : secretOrCode;
    const redirectUri = confidential ? (redirectOrOptions as string) : codeOrRedirect;
    const options =
      (confidential
        ? maybeOptions
        : (redirectOrOptions as AuthorizationCodeCredentialOptions | undefined)) ?? {};
    const kind = 'AuthorizationCodeCredential';
    requireArguments(kind, {
      tenantId,
      clientId,
      ...(confidential ? { clientSecret } : {}),
      authorizationCode: code,
      redirectUri,
    });
    const secrets = [code, clientSecret, options.codeVerifier].filter((v): v is string =>
      Boolean(v),
    );
    super(kind, tenantId, clientId, { ...options, secrets });
    this.code = code;
    this.redirectUri = redirectUri;
    this.codeVerifier = options.codeVerifier;
    const { authorityHost, network, logger } = this.context;
    const config = {
      clientId,
      authorityHost,
      network,
      logger,
      secrets,
      caches: this.services.msalCaches,
    };
    this.client = clientSecret
      ? new ConfidentialClient(config, { clientSecret })
      : new PublicClient(config);
  }

  protected get msal(): MsalClient<PublicClientApplication | ConfidentialClientApplication> {
    return this.client;
  }

  /** The code works once: the first acquisition redeems it; later ones are silent. */
  protected interact(request: AcquireRequest): Promise<MsalToken> {
    const code = this.code;
    if (code === undefined) {
      return Promise.reject(
        new AuthenticationRequiredError(
          [...request.scopes],
          'AuthorizationCodeCredential: the authorization code was already redeemed and no token can be had silently; get a new code.',
        ),
      );
    }
    this.code = undefined;
    return this.client.acquireByCode(request, code, this.redirectUri, this.codeVerifier);
  }
}
