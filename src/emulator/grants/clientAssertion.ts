/**
 * Client assertions (RFC 7523 `private_key_jwt`): signature with a registered certificate,
 * audience, issuer, subject, validity and `jti` replay; federated assertions are handed over.
 *
 * @packageDocumentation
 */
import { compactVerify, decodeProtectedHeader } from 'jose';
import type { JWTPayload, ProtectedHeaderParameters } from 'jose';
import { aadErrors } from '../errors/aadErrors.js';
import type { AadErrorSpec } from '../errors/aadErrors.js';
import { clientErrors } from '../errors/clientErrors.js';
import {
  isFederatedAssertion,
  verifyFederatedAssertion,
} from '../federation/federatedCredentials.js';
import type { ClientKey, RegisteredApp } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { checkAssertionTimes } from '../tokens/assertionTimes.js';
import { parseClaims } from '../tokens/signing.js';

/** The only `client_assertion_type` Entra accepts. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ALGORITHMS: readonly string[] = ['RS256', 'PS256'];

/**
 * Verifies the `client_assertion` of `form` for `app`, presented on the token endpoint of
 * `tenant`; records its `jti`. Undefined when it authenticates the client. An assertion whose
 * `iss` is not the client id is a federated one: see {@link verifyFederatedAssertion}.
 */
export async function verifyClientAssertion(
  ctx: EmulatorContext,
  app: RegisteredApp,
  tenant: string,
  form: Record<string, string>,
): Promise<AadErrorSpec | undefined> {
  const type = form['client_assertion_type'];
  const assertion = form['client_assertion'];
  if (type === undefined) return aadErrors.missingParameter('client_assertion_type');
  if (type !== JWT_BEARER_ASSERTION_TYPE) return clientErrors.assertionTypeInvalid();
  if (!assertion) return aadErrors.missingParameter('client_assertion');
  if (isFederatedAssertion(app, assertion)) return verifyFederatedAssertion(ctx, app, assertion);
  const header = readHeader(assertion);
  if (!header) return clientErrors.assertionMalformed();
  if (!ALGORITHMS.includes(header.alg ?? '')) {
    return clientErrors.algorithmUnsupported(String(header.alg));
  }
  const key = selectKey(app, header);
  if (!('publicKey' in key)) return key;
  const verified = await verifySignature(assertion, key, thumbprintOf(header));
  if (!('claims' in verified)) return verified;
  const { claims } = verified;
  return checkClaims(ctx, app, tenant, claims) ?? recordJti(ctx, app, claims);
}

function readHeader(assertion: string): ProtectedHeaderParameters | undefined {
  try {
    return decodeProtectedHeader(assertion);
  } catch {
    return undefined;
  }
}

function thumbprintOf(header: ProtectedHeaderParameters): string | undefined {
  const value = header['x5t#S256'] ?? header.x5t;
  return typeof value === 'string' ? value : undefined;
}

/** The registered certificate the header names by `x5t#S256` (or `x5t`), matching any `x5c`. */
function selectKey(
  app: RegisteredApp,
  header: ProtectedHeaderParameters,
): ClientKey | AadErrorSpec {
  const s256 = header['x5t#S256'];
  const sha1 = header.x5t;
  const thumbprint = thumbprintOf(header);
  if (thumbprint === undefined) {
    return clientErrors.invalidSignature("The assertion has no 'x5t#S256' or 'x5t' header.");
  }
  const key = app.keys.find((candidate) =>
    s256 !== undefined ? candidate.x5tS256 === s256 : candidate.x5t === sha1,
  );
  if (!key) return clientErrors.invalidSignature('The key was not found.', thumbprint);
  const [first] = header.x5c ?? [];
  if (first !== undefined && !Buffer.from(first, 'base64').equals(key.der)) {
    return clientErrors.invalidSignature(
      'The x5c certificate does not match the thumbprint.',
      thumbprint,
    );
  }
  return key;
}

async function verifySignature(
  assertion: string,
  key: ClientKey,
  thumbprint: string | undefined,
): Promise<{ claims: JWTPayload } | AadErrorSpec> {
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(assertion, key.publicKey, { algorithms: [...ALGORITHMS] }));
  } catch {
    return clientErrors.invalidSignature(
      'The provided signature value did not match the expected signature value.',
      thumbprint,
    );
  }
  try {
    return { claims: parseClaims(payload) };
  } catch {
    return clientErrors.assertionMalformed();
  }
}

function checkClaims(
  ctx: EmulatorContext,
  app: RegisteredApp,
  tenant: string,
  claims: JWTPayload,
): AadErrorSpec | undefined {
  if (!audienceMatches(ctx, app, tenant, claims.aud)) return clientErrors.audienceMismatch();
  const clientId = app.clientId.toLowerCase();
  if (claims.iss?.toLowerCase() !== clientId || claims.sub?.toLowerCase() !== clientId) {
    return clientErrors.applicationMismatch();
  }
  return (
    checkAssertionTimes(ctx.now(), claims) ??
    (claims.jti ? undefined : clientErrors.missingClaim('jti'))
  );
}

/** The token endpoint of the path tenant (or the app's tenant), or its v2 issuer. */
function audienceMatches(
  ctx: EmulatorContext,
  app: RegisteredApp,
  tenant: string,
  aud: JWTPayload['aud'],
): boolean {
  const hosts = [ctx.url, ctx.url.replace('//127.0.0.1:', '//localhost:')];
  const expected = hosts.flatMap((host) =>
    [tenant, app.tenantId].flatMap((t) => [`${host}/${t}/oauth2/v2.0/token`, `${host}/${t}/v2.0`]),
  );
  const lowered = new Set(expected.map((value) => value.toLowerCase()));
  const given = Array.isArray(aud) ? aud : [aud];
  return given.some((value) => typeof value === 'string' && lowered.has(value.toLowerCase()));
}

function recordJti(
  ctx: EmulatorContext,
  app: RegisteredApp,
  claims: JWTPayload,
): AadErrorSpec | undefined {
  const key = `${app.clientId.toLowerCase()}\n${String(claims.jti)}`;
  if (ctx.rejectReplayedAssertions && ctx.grants.assertionIds.has(key)) {
    return clientErrors.replayed();
  }
  ctx.grants.assertionIds.set(key, { expiresAt: Number(claims.exp) * 1000 });
  return undefined;
}
