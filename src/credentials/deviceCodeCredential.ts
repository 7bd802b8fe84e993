import type { AcquireRequest } from '../streams/tokenManager.js';
import { PublicClient, type DeviceCodeResponse } from './msal/publicClient.js';
import type { MsalToken } from './msal/msalClient.js';
import { requireArguments } from './credentialContext.js';
import { UserCredential, type InteractiveCredentialOptions } from './userCredential.js';

/** What the user is shown: where to go and which code to enter. */
export interface DeviceCodeInfo {
  userCode: string;
  verificationUri: string;
  message: string;
  /** When the code stops working. */
  expiresOn: Date;
}

/** Shows the device code prompt to the user. */
export type DeviceCodePromptCallback = (info: DeviceCodeInfo) => void;

/** Options of {@link DeviceCodeCredential}. */
export interface DeviceCodeCredentialOptions extends InteractiveCredentialOptions {
  /** Default `organizations`. */
  tenantId?: string;
  /** Default: the Azure CLI's public client id, as in `@azure/identity`. */
  clientId?: string;
  /** Default: writes the message to stderr. */
  userPromptCallback?: DeviceCodePromptCallback;
}

/** The Azure CLI's public client id, the anchor's default for user flows. */
export const DEVELOPER_SIGN_ON_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

const defaultPrompt: DeviceCodePromptCallback = (info) => process.stderr.write(`${info.message}\n`);

/**
 * Signs a user in on another device: shows a code and a URL, then waits while the user approves.
 * `authorization_pending` and `slow_down` are waited out as RFC 8628 says; a declined or expired
 * code is an `AuthenticationError`; `abortSignal` stops the wait. Later tokens are silent.
 *
 * @example
 * ```ts
 * const credential = new DeviceCodeCredential({ userPromptCallback: (info) => console.log(info.message) });
 * const record = await credential.authenticate('https://graph.microsoft.com/User.Read');
 * ```
 */
export class DeviceCodeCredential extends UserCredential {
  private readonly client: PublicClient;
  private readonly prompt: DeviceCodePromptCallback;

  constructor(options: DeviceCodeCredentialOptions = {}) {
    if (options.clientId !== undefined)
      requireArguments('DeviceCodeCredential', { clientId: options.clientId });
    const clientId = options.clientId ?? DEVELOPER_SIGN_ON_CLIENT_ID;
    super(
      'DeviceCodeCredential',
      options.tenantId ?? options.authenticationRecord?.tenantId ?? 'organizations',
      clientId,
      options,
    );
    this.prompt = options.userPromptCallback ?? defaultPrompt;
    const { authorityHost, network, logger } = this.context;
    this.client = new PublicClient({
      clientId,
      authorityHost,
      network,
      logger,
      secrets: [],
      caches: this.tokenManager.msalCaches,
    });
  }

  protected get msal(): PublicClient {
    return this.client;
  }

  protected interact(request: AcquireRequest): Promise<MsalToken> {
    const now = this.tokenManager.scheduler.now();
    return this.client.acquireByDeviceCode(request, (response: DeviceCodeResponse) =>
      this.prompt({
        userCode: response.userCode,
        verificationUri: response.verificationUri,
        message: response.message,
        expiresOn: new Date(now + response.expiresIn * 1000),
      }),
    );
  }
}
