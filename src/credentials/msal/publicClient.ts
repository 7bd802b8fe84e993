import type {
  Configuration,
  DeviceCodeRequest,
  InteractiveRequest,
  NodeAuthOptions,
  PublicClientApplication,
} from '@azure/msal-node';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import { MsalClient, type MsalToken } from './msalClient.js';
import type { MsalModule } from './msalModule.js';

/** MSAL's device code answer, as its callback receives it. */
export type DeviceCodeResponse = Parameters<DeviceCodeRequest['deviceCodeCallback']>[0];

/** What the interactive flow needs besides the request. */
export type InteractiveOptions = Pick<
  InteractiveRequest,
  'loginHint' | 'domainHint' | 'prompt' | 'preferredPort' | 'successTemplate' | 'errorTemplate'
> & {
  openBrowser: (url: string) => Promise<void>;
};

/** MSAL public client applications: device code, interactive browser, authorization code. */
export class PublicClient extends MsalClient<PublicClientApplication> {
  protected create(msal: MsalModule, configuration: Configuration): PublicClientApplication {
    return new msal.PublicClientApplication(configuration);
  }

  protected auth(): Partial<NodeAuthOptions> {
    return {};
  }

  /**
   * The device code flow: MSAL asks for a code, `onPrompt` shows it, MSAL polls until the user
   * approves, declines or the code expires. Aborting the request stops the polling.
   */
  async acquireByDeviceCode(
    request: AcquireRequest,
    onPrompt: (response: DeviceCodeResponse) => void,
  ): Promise<MsalToken> {
    const msalRequest: DeviceCodeRequest = {
      scopes: [...request.scopes],
      claims: request.claims,
      deviceCodeCallback: onPrompt,
      cancel: false,
    };
    const cancel = (): void => {
      msalRequest.cancel = true;
    };
    request.abortSignal.addEventListener('abort', cancel, { once: true });
    try {
      return await this.run(request, (app) => app.acquireTokenByDeviceCode(msalRequest));
    } finally {
      request.abortSignal.removeEventListener('abort', cancel);
    }
  }

  /** The authorization code flow with PKCE through a loopback redirect and the user's browser. */
  async acquireInteractive(
    request: AcquireRequest,
    options: InteractiveOptions,
  ): Promise<MsalToken> {
    return this.run(request, (app) =>
      app.acquireTokenInteractive({
        ...options,
        scopes: [...request.scopes],
        claims: request.claims,
      }),
    );
  }
}
