import type { AcquireRequest } from '../../streams/tokenManager.js';
import type { DeviceCodeResponse } from '../msal/publicClient.js';
import type { MsalToken } from '../msal/msalClient.js';
import {
  DEVELOPER_SIGN_ON_CLIENT_ID,
  PublicUserCredential,
  type PublicUserCredentialOptions,
} from './userCredential.js';

/** What the user is shown: where to go and which code to enter. */
export interface DeviceCodeInfo {
  userCode: string;
  verificationUri: string;
  message: string;
  /**
   * When the code stops working: always set by this package (optional, since `@azure/identity`'s
   * `DeviceCodeInfo` does not declare it).
   */
  expiresOn?: Date;
}

/** Shows the device code prompt to the user. */
export type DeviceCodePromptCallback = (info: DeviceCodeInfo) => void;

/** Options of {@link DeviceCodeCredential}. */
export interface DeviceCodeCredentialOptions extends PublicUserCredentialOptions {
  /** Default: writes the message to stderr. */
  userPromptCallback?: DeviceCodePromptCallback;
}

export { DEVELOPER_SIGN_ON_CLIENT_ID };

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
export class DeviceCodeCredential extends PublicUserCredential {
  private readonly prompt: DeviceCodePromptCallback;

  constructor(options: DeviceCodeCredentialOptions = {}) {
    super('DeviceCodeCredential', options);
    this.prompt = options.userPromptCallback ?? defaultPrompt;
  }

  protected interact(request: AcquireRequest): Promise<MsalToken> {
    const now = this.services.scheduler.now();
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
