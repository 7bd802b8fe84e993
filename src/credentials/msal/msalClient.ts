import type { AccessToken } from '@azure/core-auth';
import type {
  AccountInfo,
  AuthenticationResult,
  ConfidentialClientApplication,
  PublicClientApplication,
  Configuration,
  NodeAuthOptions,
} from '@azure/msal-node';
import type { MsalCaches } from '../../cache/msalCacheStore.js';
import { AuthenticationRequiredError, InvalidResponseError } from '../../errors.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import type { IdentityLogger } from '../../telemetry/logger.js';
import { authorityConfig } from './authorityMetadata.js';
import { fromMsalError } from './msalErrors.js';
import { loadMsal, type MsalModule } from './msalModule.js';
import type { MsalNetworkClient } from './networkClient.js';

/** What every MSAL client of a credential shares. */
export interface MsalClientConfig {
  clientId: string;
  authorityHost: string;
  network: MsalNetworkClient;
  logger: IdentityLogger;
  /** Values to scrub from every message (secrets, assertions). */
  secrets: readonly string[];
  /** MSAL's caches; user flows need them to refresh silently. */
  caches?: MsalCaches;
}

/** A token and, for user flows, the account it belongs to. */
export interface MsalToken {
  token: AccessToken;
  account: AccountInfo | null;
}

/**
 * MSAL applications for one credential: one per tenant and CAE flag (CAE apps ask for the `cp1`
 * capability and keep a separate cache partition, as the anchor does). MSAL speaks the protocol;
 * the engine caches access tokens, so calls skip MSAL's access-token cache where MSAL allows it.
 * Applications are made at their first acquisition, which is also when `@azure/msal-node` is
 * loaded (see `msalModule.ts`): constructing a credential loads nothing.
 */
export abstract class MsalClient<
  App extends ConfidentialClientApplication | PublicClientApplication,
> {
  private readonly apps = new Map<string, App>();

  constructor(protected readonly config: MsalClientConfig) {}

  /** A new application of this kind, from the loaded `msal` module. */
  protected abstract create(msal: MsalModule, configuration: Configuration): App;

  /** Extra `auth` settings of this kind of application (secret, assertion...). */
  protected abstract auth(msal: MsalModule): Partial<NodeAuthOptions>;

  /** Redeems an authorization code (with its PKCE verifier for public clients). */
  async acquireByCode(
    request: AcquireRequest,
    code: string,
    redirectUri: string,
    codeVerifier?: string,
  ): Promise<MsalToken> {
    return this.run(request, (app) =>
      app.acquireTokenByCode({
        scopes: [...request.scopes],
        code,
        redirectUri,
        codeVerifier,
        claims: request.claims,
      }),
    );
  }

  /**
   * A token for the account without user interaction: through MSAL's refresh token. A refresh or
   * a claims challenge forces a new token; MSAL would otherwise hand back its cached one.
   */
  async acquireSilent(request: AcquireRequest, homeAccountId: string): Promise<MsalToken> {
    const app = await this.app(request.tenantId, request.enableCae);
    const account = await app.getTokenCache().getAccountByHomeId(homeAccountId);
    if (account === null) {
      throw new AuthenticationRequiredError(
        [...request.scopes],
        'No cached account for this credential: call authenticate() or allow interactive authentication.',
      );
    }
    const forceRefresh = request.reason !== 'initial' || request.claims !== undefined;
    return this.run(request, (a) =>
      a.acquireTokenSilent({
        account,
        scopes: [...request.scopes],
        claims: request.claims,
        forceRefresh,
      }),
    );
  }

  /** Runs one MSAL call on the request's application and maps its result and errors. */
  protected async run(
    request: AcquireRequest,
    call: (app: App) => Promise<AuthenticationResult | null>,
  ): Promise<MsalToken> {
    try {
      const result = await call(await this.app(request.tenantId, request.enableCae));
      return { token: toAccessToken(result), account: result?.account ?? null };
    } catch (error) {
      throw fromMsalError(error, this.config.secrets, [...request.scopes]);
    }
  }

  /** The request's application, made (and MSAL loaded) on first use. */
  protected async app(tenantId: string | undefined, enableCae: boolean): Promise<App> {
    const msal = await loadMsal();
    // From here on synchronous: concurrent first calls share one application.
    const tenant = tenantId ?? 'organizations';
    const id = `${tenant}|${enableCae}`;
    const existing = this.apps.get(id);
    if (existing !== undefined) return existing;
    const app = this.create(msal, this.configuration(msal, tenant, enableCae));
    this.apps.set(id, app);
    return app;
  }

  private configuration(msal: MsalModule, tenantId: string, enableCae: boolean): Configuration {
    const { clientId, authorityHost, network, logger, caches } = this.config;
    const partition = `${authorityHost}|${clientId}|${enableCae ? 'cae' : 'nocae'}`;
    return {
      auth: {
        clientId,
        ...this.auth(msal),
        ...authorityConfig(authorityHost, tenantId),
        clientCapabilities: enableCae ? ['cp1'] : undefined,
      },
      cache: caches === undefined ? undefined : { cachePlugin: caches.plugin(partition) },
      system: {
        networkClient: network,
        disableInternalRetries: true,
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: msal.LogLevel.Warning,
          loggerCallback: (_level, message, containsPii) => {
            if (!containsPii) logger.verbose(`MSAL ${message}`);
          },
        },
      },
    };
  }
}

/** Maps MSAL's result to the caller's `AccessToken`, refusing an incomplete one. */
export function toAccessToken(result: AuthenticationResult | null): AccessToken {
  const expires = result?.expiresOn instanceof Date ? result.expiresOn.getTime() : NaN;
  if (result === null || !result.accessToken || !Number.isFinite(expires)) {
    throw new InvalidResponseError('MSAL returned no access token or no expiry.');
  }
  const token: AccessToken = {
    token: result.accessToken,
    expiresOnTimestamp: expires,
    tokenType: result.tokenType === 'pop' ? 'pop' : 'Bearer',
  };
  // An invalid date (from a hint too large to be one) is no hint: NaN would schedule a refresh now.
  const refresh = result.refreshOn instanceof Date ? result.refreshOn.getTime() : NaN;
  if (Number.isFinite(refresh)) token.refreshAfterTimestamp = refresh;
  return token;
}
