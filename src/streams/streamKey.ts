import { InvalidArgumentError } from '../errors.js';

/**
 * Who a credential is, for keying streams and caches. `id` distinguishes every configuration that
 * could yield a different token (authority, tenant, client, and a one-way fingerprint of the
 * secret material); `label` is for people and never contains the fingerprint.
 */
export interface CredentialIdentity {
  kind: string;
  id: string;
  label: string;
}

/** What a caller asks for, normalised. */
export interface TokenRequest {
  scopes: readonly string[];
  tenantId?: string;
  enableCae: boolean;
}

/** The key of one shared token stream. */
export interface StreamKey extends TokenRequest {
  /** Unique and stable: identity id × scopes × tenant × CAE. Used by every cache layer. */
  id: string;
  /** Readable, secret-free: shown in events, snapshots and metrics. */
  label: string;
  credential: string;
  /** The engine's opaque reference to the credential identity, for events and snapshots. */
  identity: string;
}

// Scopes travel space-separated on the wire, so whitespace and control characters cannot be valid.
// eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
const SCOPE_PATTERN = /^[^\s\u0000-\u001f\u007f]+$/;

function checkScope(scope: unknown): string {
  if (typeof scope !== 'string' || !SCOPE_PATTERN.test(scope)) {
    // Only strings are quoted: JSON.stringify throws on a bigint or a circular object.
    const shown =
      typeof scope === 'string'
        ? JSON.stringify(scope)
        : `of type ${scope === null ? 'null' : typeof scope}`;
    throw new InvalidArgumentError(
      `Invalid scope ${shown}: a scope is a non-empty string without whitespace, such as "https://storage.azure.com/.default".`,
    );
  }
  return scope;
}

/** Sorted, de-duplicated, validated scopes. Throws `InvalidArgumentError` on empty or bad input. */
export function normalizeScopes(scopes: string | readonly string[]): string[] {
  if (typeof scopes === 'string') return [checkScope(scopes)];
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new InvalidArgumentError(
      'At least one scope is required, such as "https://storage.azure.com/.default".',
    );
  }
  // Array.from visits holes too (map skips them), so a sparse array cannot smuggle in undefined.
  const unique = [...new Set(Array.from(scopes, checkScope))];
  return unique.sort();
}

/** The unique id of a stream's key; cheap, because every `getToken` computes it. */
export function streamKeyId(identity: CredentialIdentity, request: TokenRequest): string {
  const cae = request.enableCae ? 'cae' : 'nocae';
  return `${identity.id}|${request.tenantId ?? ''}|${cae}|${request.scopes.join(' ')}`;
}

/** Builds the one key of a stream. Scopes must already be normalised. */
export function toStreamKey(
  identity: CredentialIdentity,
  request: TokenRequest,
  identityRef: string,
): StreamKey {
  const cae = request.enableCae ? 'cae' : 'nocae';
  return {
    scopes: request.scopes,
    tenantId: request.tenantId,
    enableCae: request.enableCae,
    id: streamKeyId(identity, request),
    label: `${identity.label} ${request.tenantId ?? '-'} ${cae} ${request.scopes.join(' ')}`,
    credential: identity.kind,
    identity: identityRef,
  };
}
