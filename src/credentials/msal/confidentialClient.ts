import type { AccessToken } from '@azure/core-auth';
import type {
  ClientAssertionCallback,
  ConfidentialClientApplication,
  Configuration,
  NodeAuthOptions,
} from '@azure/msal-node';
import { isIdentityError } from '../../errors.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import { MsalClient, type MsalClientConfig, type MsalToken } from './msalClient.js';
import type { MsalModule } from './msalModule.js';
import { carryThroughMsal } from './networkClient.js';

/** How a confidential client proves who it is: a secret, or a signed assertion made per request. */
export type ClientProof = { clientSecret: string } | { clientAssertion: ClientAssertionCallback };

/** MSAL confidential client applications: client credentials, on-behalf-of, authorization code. */
export class ConfidentialClient extends MsalClient<ConfidentialClientApplication> {
  constructor(
    config: MsalClientConfig,
    private readonly proof: ClientProof,
  ) {
    super(config);
  }

  protected create(msal: MsalModule, configuration: Configuration): ConfidentialClientApplication {
    return new msal.ConfidentialClientApplication(configuration);
  }

  protected auth(msal: MsalModule): Partial<NodeAuthOptions> {
    if ('clientSecret' in this.proof) return this.proof;
    const callback = this.proof.clientAssertion;
    // MSAL rethrows only its own errors unchanged: carry ours (certificate, callback) through it.
    const clientAssertion: ClientAssertionCallback = async (config) => {
      try {
        return await callback(config);
      } catch (error) {
        throw isIdentityError(error) ? carryThroughMsal(msal, error) : error;
      }
    };
    return { clientAssertion };
  }

  async acquireByClientCredential(request: AcquireRequest): Promise<AccessToken> {
    const result = await this.run(request, (app) =>
      app.acquireTokenByClientCredential({
        scopes: [...request.scopes],
        claims: request.claims,
        skipCache: true,
      }),
    );
    return result.token;
  }

  /** Exchanges a user's token for one to a downstream API (the on-behalf-of flow). */
  async acquireOnBehalfOf(request: AcquireRequest, userAssertion: string): Promise<MsalToken> {
    return this.run(request, (app) =>
      app.acquireTokenOnBehalfOf({
        scopes: [...request.scopes],
        oboAssertion: userAssertion,
        claims: request.claims,
        skipCache: true,
      }),
    );
  }
}
