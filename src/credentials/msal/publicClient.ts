import type {
  Configuration,
  DeviceCodeRequest,
  InteractiveRequest,
  NodeAuthOptions,
  PublicClientApplication,
} from '@azure/msal-node';
import { AbortError } from '../../errors.js';
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
   * approves, declines or the code expires. Aborting the request stops the polling: the call
   * rejects at once with `AbortError`, and MSAL sends no further poll (its wait between two polls
   * ends, then it sees the cancellation).
   */
  async acquireByDeviceCode(
    request: AcquireRequest,
    onPrompt: (response: DeviceCodeResponse) => void,
  ): Promise<MsalToken> {
    const { abortSignal } = request;
    if (abortSignal.aborted) throw cancelled();
    const msalRequest: DeviceCodeRequest = {
      scopes: [...request.scopes],
      claims: request.claims,
      deviceCodeCallback: onPrompt,
      cancel: false,
    };
    let cancel = (): void => undefined;
    const aborted = new Promise<never>((_, reject) => {
      cancel = () => {
        msalRequest.cancel = true;
        reject(cancelled());
      };
    });
    abortSignal.addEventListener('abort', cancel, { once: true });
    const polling = this.run(request, (app) => app.acquireTokenByDeviceCode(msalRequest));
    // After an abort nobody reads MSAL's own cancellation error: it only says polling has ended.
    polling.then(undefined, () => {
      if (msalRequest.cancel) this.config.logger.info('Device code polling stopped (cancelled).');
    });
    try {
      return await Promise.race([polling, aborted]);
    } finally {
      abortSignal.removeEventListener('abort', cancel);
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

function cancelled(): AbortError {
  return new AbortError('The device code sign-in was cancelled.');
}
