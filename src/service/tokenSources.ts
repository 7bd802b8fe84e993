/**
 * Which credential answers a sidecar request. A managed identity source passes a request's
 * user-assigned id (`client_id`, `principal_id`/`object_id`, `mi_res_id`) through to a
 * `ManagedIdentityCredential` of that identity; any other credential serves one identity and
 * refuses a request that names another, rather than hand out a token for a different identity.
 */
import {
  ManagedIdentityCredential,
  type ManagedIdentityCredentialOptions,
} from '../credentials/managedIdentity/managedIdentityCredential.js';
import type { ReactiveCredential } from '../streams/reactiveCredential.js';
import { badRequest, type IdentitySelector, type Refusal } from './tokenRequest.js';

/** The credential for a request, with the client id its tokens are for when known. */
export interface ResolvedIdentity {
  credential: ReactiveCredential;
  clientId?: string;
  /**
   * The client id the request named, when the credential is expected (not known) to be it: a
   * token whose `appid`/`azp` is not this id (or cannot be read) is refused, not handed out.
   */
  verifyClientId?: string;
}

/** What serves the sidecar's tokens. */
export interface TokenSource {
  /** For display: `DefaultAzureCredential`, `the embedded emulator at https://...`. */
  readonly description: string;
  /** The credential of the sidecar's own identity (declared `--scope` streams use it). */
  readonly credential: ReactiveCredential;
  /** The credential for the identity a request names (its own when `selector` is absent). */
  resolve(selector: IdentitySelector | undefined): ResolvedIdentity | Refusal;
  /** Closes every credential it made. */
  close(): Promise<void>;
}

/** Options of {@link singleIdentitySource}. */
export interface SingleIdentityOptions {
  description: string;
  /** The identity's client id when configured: a request naming it by `client_id` is served. */
  clientId?: string;
  /**
   * A client id the credential is expected to be (`AZURE_CLIENT_ID` for `DefaultAzureCredential`,
   * whose deployed links all take it, while a developer tool may answer for someone else): a
   * request naming it by `client_id` is served once the token shows it is for that id.
   */
  expectedClientId?: string;
}

/** A source of one identity: requests that name any other get a 400. */
export function singleIdentitySource(
  credential: ReactiveCredential,
  options: SingleIdentityOptions,
): TokenSource {
  const { description, clientId, expectedClientId } = options;
  const names = (id: string | undefined, selector: IdentitySelector) =>
    selector.kind === 'clientId' &&
    id !== undefined &&
    selector.value.toLowerCase() === id.toLowerCase();
  return {
    description,
    credential,
    resolve: (selector) => {
      if (selector === undefined) return { credential, clientId };
      if (names(clientId, selector)) return { credential, clientId };
      if (names(expectedClientId, selector))
        return { credential, clientId: selector.value, verifyClientId: selector.value };
      return badRequest(
        'identity-not-served',
        `This sidecar serves one identity (${description}) and cannot serve the user-assigned ` +
          `identity the request names by '${selector.param}'. Run the sidecar with ` +
          '--credential managed-identity to pass user-assigned identities through.',
      );
    },
    close: () => credential.close(),
  };
}

/** Options of {@link managedIdentitySource}. */
export interface ManagedIdentitySourceOptions {
  /** Options of every `ManagedIdentityCredential` it makes (engine, environment, retries). */
  credentialOptions: ManagedIdentityCredentialOptions;
  /** Distinct user-assigned identities it will hold credentials for. Default 32. */
  maxIdentities?: number;
  description?: string;
}

export const DEFAULT_MAX_SIDECAR_IDENTITIES = 32;

/**
 * Managed identity with pass-through: the system-assigned identity (or the one the options name)
 * for requests without an id, and one `ManagedIdentityCredential` per user-assigned id asked for.
 */
export function managedIdentitySource(options: ManagedIdentitySourceOptions): TokenSource {
  const base = options.credentialOptions;
  const own = new ManagedIdentityCredential(base);
  const limit = options.maxIdentities ?? DEFAULT_MAX_SIDECAR_IDENTITIES;
  const others = new Map<string, ReactiveCredential>();
  const description = options.description ?? 'ManagedIdentityCredential';
  return {
    description,
    credential: own,
    resolve: (selector) => {
      if (selector === undefined) return { credential: own, clientId: base.clientId };
      const key = `${selector.kind}:${selector.value.toLowerCase()}`;
      let credential = others.get(key);
      if (credential === undefined) {
        if (others.size >= limit) {
          return badRequest(
            'too-many-identities',
            `This sidecar already serves ${limit} user-assigned identities; it takes no more.`,
          );
        }
        credential = new ManagedIdentityCredential({
          ...base,
          clientId: undefined,
          objectId: undefined,
          resourceId: undefined,
          [selector.kind]: selector.value,
        });
        others.set(key, credential);
      }
      const clientId = selector.kind === 'clientId' ? selector.value : undefined;
      return { credential, clientId };
    },
    close: async () => {
      await Promise.all([own, ...others.values()].map((credential) => credential.close()));
      others.clear();
    },
  };
}
