/**
 * The token signing key: an RS256 key pair, its JWKS, and JWT signing.
 *
 * @packageDocumentation
 */
import { SignJWT, calculateJwkThumbprint, compactVerify, exportJWK, generateKeyPair } from 'jose';
import type { JWK, JWTPayload } from 'jose';

/** A JWK as the emulator publishes it. */
export interface PublicJwk extends JWK {
  kty: string;
  kid: string;
  use: 'sig';
  alg: 'RS256';
}

/** Signs access tokens with one RS256 key and publishes its public half. */
export interface TokenSigner {
  /** The key id, carried in every token header. */
  kid: string;
  /** The JWKS document served on the keys route. */
  jwks: { keys: PublicJwk[] };
  /** Signs `claims` as an RS256 JWT with header `{ alg, typ: 'JWT', kid }`. */
  sign(claims: JWTPayload): Promise<string>;
  /**
   * Checks that `token` is an RS256 JWT signed with this key and returns its claims; checks no
   * claim (the caller judges times and audiences). Rejects when it is not.
   */
  verify(token: string): Promise<JWTPayload>;
}

/** Generates a fresh RSA-2048 signing key. */
export async function createTokenSigner(): Promise<TokenSigner> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  const { n, e, kty } = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint({ kty: kty ?? 'RSA', n, e });
  const jwk: PublicJwk = { kty: kty ?? 'RSA', use: 'sig', kid, n, e, alg: 'RS256' };
  return {
    kid,
    jwks: { keys: [jwk] },
    sign: (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(privateKey),
    verify: async (token) => {
      const { payload } = await compactVerify(token, publicKey, { algorithms: ['RS256'] });
      return parseClaims(payload);
    },
  };
}

/** Parses a JWS payload as a claims object; throws when it is not one. */
export function parseClaims(payload: Uint8Array): JWTPayload {
  const claims: unknown = JSON.parse(new TextDecoder().decode(payload));
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new TypeError('The JWT payload is not a JSON object.');
  }
  return claims as JWTPayload;
}
