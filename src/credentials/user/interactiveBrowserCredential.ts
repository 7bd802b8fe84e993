import { execFile } from 'node:child_process';
import type { AccessToken } from '@azure/core-auth';
import { timer, type Subscription } from 'rxjs';
import { AbortError, CredentialUnavailableError, InvalidArgumentError } from '../../errors.js';
import { httpRequest } from '../http/httpRequest.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import type { MsalToken } from '../msal/msalClient.js';
import { brokerUnavailableMessage } from '../plugins/identityPlugins.js';
import {
  PublicUserCredential,
  type InteractiveCredentialOptions,
  type PublicUserCredentialOptions,
} from './userCredential.js';

/** Opens a URL for the user: the system browser by default; tests and headless hosts pass their own. */
export type BrowserOpener = (url: string) => Promise<void>;

/** The pages shown in the browser once the sign-in ends, as `@azure/identity` takes them. */
export interface BrowserCustomizationOptions {
  browserCustomizationOptions?: {
    /** The page shown when the sign-in fails. */
    errorMessage?: string;
    /** The page shown when the sign-in succeeds. */
    successMessage?: string;
  };
}

/**
 * Windows' authentication broker (WAM), as `@azure/identity` takes it. This package has no native
 * broker: with `enabled: true` the credential is built, and its `getToken` fails with
 * `CredentialUnavailableError` saying so.
 */
export type BrokerOptions = BrokerEnabledOptions | BrokerDisabledOptions;

/** The broker turned off. */
export interface BrokerDisabledOptions {
  enabled: false;
  legacyEnableMsaPassthrough?: undefined;
  parentWindowHandle: undefined;
}

/** The broker turned on: the window to parent its prompt to, and how it treats accounts. */
export interface BrokerEnabledOptions {
  enabled: true;
  /** Pass Microsoft accounts through (needed by some first-party apps). */
  legacyEnableMsaPassthrough?: boolean;
  /** The native handle of the parent window. */
  parentWindowHandle: Uint8Array;
  /** Try the operating system's default account before prompting. */
  useDefaultBrokerAccount?: boolean;
}

/** `brokerOptions`, as `@azure/identity` groups it. */
export interface BrokerAuthOptions {
  brokerOptions?: BrokerOptions;
}

/** `@azure/identity`'s browser-only login styles; on Node.js the sign-in is always a new page. */
export type BrowserLoginStyle = 'redirect' | 'popup';

/** Options of {@link InteractiveBrowserCredential}. */
export interface InteractiveBrowserCredentialNodeOptions
  extends PublicUserCredentialOptions, BrowserCustomizationOptions, BrokerAuthOptions {
  /**
   * `http://localhost:<port>`: the loopback port to listen on (a function is called once, at
   * construction). Default: a free port.
   */
  redirectUri?: string | (() => string);
  loginHint?: string;
  domainHint?: string;
  /** Default `select_account`, or `login` with a `loginHint`, as in `@azure/identity`. */
  prompt?: 'login' | 'select_account' | 'consent' | 'none';
  /** How to show the sign-in page. Default: the system browser. */
  browser?: BrowserOpener;
  /** How long to wait for the user. Default 5 minutes. */
  timeoutMs?: number;
}

/**
 * `@azure/identity`'s options for the credential in a web browser, accepted as they are: on
 * Node.js they mean what the Node options of the same name mean, and `loginStyle` has no effect.
 */
export interface InteractiveBrowserCredentialInBrowserOptions extends InteractiveCredentialOptions {
  redirectUri?: string | (() => string);
  tenantId?: string;
  clientId: string;
  loginStyle?: BrowserLoginStyle;
  loginHint?: string;
}

export const DEFAULT_INTERACTIVE_TIMEOUT_MS = 5 * 60_000;

/** Why a sign-in stopped when its caller aborted, or no caller waits for it any more. */
const CANCELLED = 'The sign-in was cancelled: no caller waits for it any more.';

/**
 * Signs a user in through the browser: the authorization code flow with PKCE and a redirect to a
 * loopback listener on 127.0.0.1. Cancelled by `abortSignal` or after `timeoutMs`, in which case
 * the listener is closed and the caller gets an error. Later tokens are silent.
 *
 * @example
 * ```ts
 * const credential = new InteractiveBrowserCredential({ loginHint: 'ada@contoso.com' });
 * ```
 */
export class InteractiveBrowserCredential extends PublicUserCredential {
  private readonly options: InteractiveBrowserCredentialNodeOptions;
  private readonly preferredPort: number | undefined;
  /** `brokerOptions.enabled` of `@azure/identity`: the WAM broker, which this build lacks. */
  private readonly brokerRequested: boolean;

  constructor(
    options:
      InteractiveBrowserCredentialNodeOptions | InteractiveBrowserCredentialInBrowserOptions = {},
  ) {
    super('InteractiveBrowserCredential', options);
    this.options = options;
    const { redirectUri } = options;
    this.preferredPort = loopbackPort(
      typeof redirectUri === 'function' ? redirectUri() : redirectUri,
    );
    const { brokerOptions } = options as { brokerOptions?: { enabled?: unknown } };
    this.brokerRequested = brokerOptions?.enabled === true;
  }

  /** With `brokerOptions.enabled`, unavailable (silently too): the broker would have served it. */
  protected override async acquireToken(request: AcquireRequest): Promise<AccessToken> {
    this.refuseBroker();
    return super.acquireToken(request);
  }

  private refuseBroker(): void {
    if (this.brokerRequested) {
      throw new CredentialUnavailableError(
        brokerUnavailableMessage('InteractiveBrowserCredential'),
      );
    }
  }

  protected async interact(request: AcquireRequest): Promise<MsalToken> {
    this.refuseBroker();
    const {
      loginHint,
      domainHint,
      browser = openSystemBrowser,
      browserCustomizationOptions,
    } = this.options;
    // Nobody waits (any more): no page opens.
    if (request.abortSignal.aborted) throw new AbortError(CANCELLED);
    const pending = new PendingSignIn();
    // The wait for the user starts when the page opens.
    let timeout: Subscription | undefined;
    const onAbort = (): void => pending.cancel(CANCELLED);
    request.abortSignal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.client.acquireInteractive(request, {
        openBrowser: async (url) => {
          if (pending.open(url)) return;
          timeout = timer(
            this.options.timeoutMs ?? DEFAULT_INTERACTIVE_TIMEOUT_MS,
            this.services.scheduler,
          ).subscribe(() => pending.cancel('The sign-in timed out.'));
          await browser(url);
        },
        loginHint,
        domainHint,
        prompt: this.options.prompt ?? (loginHint ? 'login' : 'select_account'),
        preferredPort: this.preferredPort,
        successTemplate: browserCustomizationOptions?.successMessage,
        errorTemplate: browserCustomizationOptions?.errorMessage,
      });
    } catch (error) {
      if (request.abortSignal.aborted) throw new AbortError(CANCELLED);
      throw error;
    } finally {
      timeout?.unsubscribe();
      request.abortSignal.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * One sign-in that may be cancelled before or after its page opens. Cancelling answers MSAL's
 * loopback listener with an error, the way the authority would: MSAL then closes the listener.
 */
class PendingSignIn {
  private url: string | undefined;
  private reason: string | undefined;

  /** Records the page; returns true when the sign-in was already cancelled (and answers it). */
  open(url: string): boolean {
    this.url = url;
    if (this.reason === undefined) return false;
    void answerLoopback(url, this.reason);
    return true;
  }

  cancel(reason: string): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    if (this.url !== undefined) void answerLoopback(this.url, reason);
  }
}

/**
 * The port of a loopback `redirectUri` (`http://localhost:<port>` or `http://127.0.0.1:<port>`);
 * anything else is refused, since the sign-in answer must come back to this machine.
 */
function loopbackPort(redirectUri: string | undefined): number | undefined {
  if (redirectUri === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw new InvalidArgumentError(
      `InteractiveBrowserCredential: redirectUri "${redirectUri}" is not a URL.`,
    );
  }
  if (url.protocol !== 'http:' || !['localhost', '127.0.0.1'].includes(url.hostname)) {
    throw new InvalidArgumentError(
      'InteractiveBrowserCredential: redirectUri must be a loopback address, http://localhost:<port> or http://127.0.0.1:<port>.',
    );
  }
  const port = Number(url.port);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

/** How long the answer to MSAL's own loopback listener may take. */
const LOOPBACK_ANSWER_TIMEOUT_MS = 5_000;

/** Answers MSAL's loopback listener with an `access_denied` error for the pending state. */
function answerLoopback(authorizeUrl: string, reason: string): Promise<void> {
  const url = new URL(authorizeUrl);
  const redirectUri = url.searchParams.get('redirect_uri');
  const state = url.searchParams.get('state');
  if (redirectUri === null || state === null) return Promise.resolve();
  const body = new URLSearchParams({
    error: 'access_denied',
    error_description: reason,
    state,
  }).toString();
  // Best effort: a listener that already closed needs no answer.
  return httpRequest({
    method: 'POST',
    url: redirectUri,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    timeoutMs: LOOPBACK_ANSWER_TIMEOUT_MS,
  }).then(
    () => undefined,
    () => undefined,
  );
}

/** Opens the system browser without a shell. */
export function openSystemBrowser(url: string): Promise<void> {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    execFile(command, args as string[], (error) => (error ? reject(error) : resolve()));
  });
}
