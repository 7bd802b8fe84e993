import type { AccessToken } from '@azure/core-auth';
import {
  ConfidentialClientApplication,
  LogLevel,
  type AuthenticationResult,
  type Configuration,
} from '@azure/msal-node';
import { InvalidResponseError } from '../../errors.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import type { IdentityLogger } from '../../telemetry/logger.js';
import { authorityConfig } from './authorityMetadata.js';
import { fromMsalError } from './msalErrors.js';
import type { MsalNetworkClient } from './networkClient.js';

/** How a confidential client proves who it is. */
export type ClientProof = { clientSecret: string };

/** Everything a confidential client needs. */
export interface ConfidentialClientConfig {
  clientId: string;
  authorityHost: string;
  proof: ClientProof;
  network: MsalNetworkClient;
  logger: IdentityLogger;
  /** Values to scrub from every message (the secret). */
  secrets: readonly string[];
}

/**
 * MSAL confidential client applications for one credential: one per tenant and CAE flag, as the
 * anchor keeps CAE and non-CAE apart. MSAL only speaks the protocol here; the engine caches, so
 * every call skips MSAL's own access-token cache.
 */
export class ConfidentialClient {
  private readonly apps = new Map<string, ConfidentialClientApplication>();

  constructor(private readonly config: ConfidentialClientConfig) {}

  async acquireByClientCredential(request: AcquireRequest): Promise<AccessToken> {
    const app = this.app(request.tenantId ?? 'organizations', request.enableCae);
    try {
      const result = await app.acquireTokenByClientCredential({
        scopes: [...request.scopes],
        claims: request.claims,
        skipCache: true,
      });
      return toAccessToken(result);
    } catch (error) {
      throw fromMsalError(error, this.config.secrets);
    }
  }

  private app(tenantId: string, enableCae: boolean): ConfidentialClientApplication {
    const id = `${tenantId}|${enableCae}`;
    let app = this.apps.get(id);
    if (app === undefined) {
      app = new ConfidentialClientApplication(this.configuration(tenantId, enableCae));
      this.apps.set(id, app);
    }
    return app;
  }

  private configuration(tenantId: string, enableCae: boolean): Configuration {
    const { clientId, authorityHost, proof, network, logger } = this.config;
    return {
      auth: {
        clientId,
        ...proof,
        ...authorityConfig(authorityHost, tenantId),
        clientCapabilities: enableCae ? ['cp1'] : undefined,
      },
      system: {
        networkClient: network,
        disableInternalRetries: true,
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (_level, message, containsPii) => {
            if (!containsPii) logger.verbose(`MSAL ${message}`);
          },
        },
      },
    };
  }
}

function toAccessToken(result: AuthenticationResult | null): AccessToken {
  if (result === null || !result.accessToken || !(result.expiresOn instanceof Date)) {
    throw new InvalidResponseError('MSAL returned no access token or no expiry.');
  }
  const token: AccessToken = {
    token: result.accessToken,
    expiresOnTimestamp: result.expiresOn.getTime(),
    tokenType: result.tokenType === 'pop' ? 'pop' : 'Bearer',
  };
  if (result.refreshOn instanceof Date) token.refreshAfterTimestamp = result.refreshOn.getTime();
  return token;
}
