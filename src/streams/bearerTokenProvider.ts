import type {
  AccessToken,
  GetTokenOptions,
  TokenCredential,
  TracingContext,
} from '@azure/core-auth';
import { InvalidArgumentError, InvalidResponseError } from '../errors.js';
import { unrefScheduler } from './clock.js';
import { ReactiveCredential } from './reactiveCredential.js';

/** Options of {@link getBearerTokenProvider}, as `@azure/identity` names them. */
export interface GetBearerTokenProviderOptions {
  /** Ends the waits of the provider's calls (the acquisition shared with others goes on). */
  abortSignal?: AbortSignal;
  /** The tracing context the acquisition spans are children of. */
  tracingOptions?: {
    /** Tracing Context for the current request to get a token. */
    tracingContext?: TracingContext;
  };
}

// The Azure SDK's token cycler, which @azure/identity's provider runs for every credential; here
// only for credentials of other libraries (ours are served by the engine).
/** Within this much of expiry (or with no token) a call waits for a new token. */
const FORCED_REFRESH_WINDOW_MS = 1_000;
/** Within this much of expiry (or after `refreshAfterTimestamp`) a call refreshes in the background. */
const REFRESH_WINDOW_MS = 2 * 60_000;
/** A failed background refresh is tried again after this long, on a later call. */
const RETRY_INTERVAL_MS = 3_000;

/**
 * Returns a function that resolves to a bearer token for `scopes`, for clients that take a token
 * string rather than a `TokenCredential` (the OpenAI SDK's `azureADTokenProvider`, for one).
 * Like `@azure/identity`'s it asks for CAE-capable tokens (`enableCae: true`, as the Azure SDK's
 * bearer policy does) and passes `abortSignal` and `tracingOptions` on.
 *
 * A credential of this library is served by its engine: each call is its `getToken`, a lookup
 * while the cached token is fresh, and the engine refreshes ahead of expiry and shares one
 * acquisition among every caller. Any other `TokenCredential` is cycled as the Azure SDK does:
 * the provider keeps the last token, refreshes it in the background within two minutes of expiry
 * (or after its `refreshAfterTimestamp`), and waits for a new one only when none is usable.
 *
 * @example
 * ```ts
 * const credential = new DefaultAzureCredential();
 * const azureADTokenProvider = getBearerTokenProvider(credential, 'https://cognitiveservices.azure.com/.default');
 * const token = await azureADTokenProvider();
 * ```
 *
 * @param credential - Any `TokenCredential`.
 * @param scopes - The scopes of the token.
 * @param options - `abortSignal` and `tracingOptions` of every token request.
 * @returns A function that resolves to the token string.
 */
export function getBearerTokenProvider(
  credential: TokenCredential,
  scopes: string | string[],
  options: GetBearerTokenProviderOptions = {},
): () => Promise<string> {
  if (
    credential === null ||
    typeof credential !== 'object' ||
    typeof credential.getToken !== 'function'
  ) {
    throw new InvalidArgumentError(
      'getBearerTokenProvider: credential must be a TokenCredential (an object with a getToken method).',
    );
  }
  const { abortSignal, tracingOptions } = options;
  const tokenOptions: GetTokenOptions = { abortSignal, tracingOptions, enableCae: true };
  if (credential instanceof ReactiveCredential) {
    return async () => (await credential.getToken(scopes, tokenOptions)).token;
  }
  return cycle(credential, scopes, tokenOptions);
}

/** The Azure SDK's token cycler over a credential of another library. */
function cycle(
  credential: TokenCredential,
  scopes: string | string[],
  tokenOptions: GetTokenOptions,
): () => Promise<string> {
  const now = (): number => unrefScheduler.now();
  let token: AccessToken | undefined;
  let refreshing: Promise<AccessToken> | undefined;
  let lastFailure = Number.NEGATIVE_INFINITY;
  const refresh = (): Promise<AccessToken> => {
    if (refreshing !== undefined) return refreshing;
    const attempt = Promise.resolve()
      .then(() => credential.getToken(scopes, tokenOptions))
      .then((result) => {
        if (result === null || typeof result?.token !== 'string') {
          throw new InvalidResponseError(
            `getBearerTokenProvider: ${credential.constructor?.name ?? 'the credential'} returned no token.`,
          );
        }
        token = result;
        return result;
      });
    refreshing = attempt;
    const settle = (failed: boolean): void => {
      if (refreshing === attempt) refreshing = undefined;
      if (failed) lastFailure = now();
    };
    attempt.then(
      () => settle(false),
      () => settle(true),
    );
    return attempt;
  };
  return async () => {
    const at = now();
    const current = token;
    if (current === undefined || current.expiresOnTimestamp - FORCED_REFRESH_WINDOW_MS < at) {
      try {
        return (await refresh()).token;
      } catch (error) {
        if (token === current) token = undefined;
        throw error;
      }
    }
    const due =
      (current.refreshAfterTimestamp !== undefined && current.refreshAfterTimestamp < at) ||
      current.expiresOnTimestamp - REFRESH_WINDOW_MS < at;
    if (due && refreshing === undefined && at - lastFailure >= RETRY_INTERVAL_MS) {
      // The current token serves this call; a failure is tried again on a later one.
      refresh().catch(() => undefined);
    }
    return current.token;
  };
}
