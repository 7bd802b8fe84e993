import { createPrivateKey, randomUUID } from 'node:crypto';
import type { ClientAssertionCallback } from '@azure/msal-node';
import type { JWTHeaderParameters } from 'jose';
import type { LoadedCertificate } from './clientCertificate.js';

/** How long a signed client assertion is valid, as MSAL makes them. */
export const CLIENT_ASSERTION_LIFETIME_SECONDS = 600;

/**
 * Signs a fresh client assertion for each token request: PS256 with the certificate's SHA-256
 * thumbprint (`x5t#S256`), as MSAL does, `aud` the token endpoint, `iss` = `sub` = the client id,
 * a new `jti`, and the chain in `x5c` when asked. The certificate is loaded anew for every
 * assertion, so a rotated file is used at once. jose is loaded with the first assertion, not with
 * the library.
 */
export function certificateAssertion(
  clientId: string,
  load: () => Promise<LoadedCertificate>,
  options: { sendCertificateChain: boolean; now: () => number },
): ClientAssertionCallback {
  return async (config) => {
    const certificate = await load();
    const issuedAt = Math.floor(options.now() / 1000);
    const header: JWTHeaderParameters = {
      alg: 'PS256',
      typ: 'JWT',
      'x5t#S256': Buffer.from(certificate.thumbprintSha256, 'hex').toString('base64url'),
    };
    if (options.sendCertificateChain) header.x5c = pemChainToX5c(certificate.x5c);
    const payload = {
      aud: config.tokenEndpoint,
      iss: clientId,
      sub: clientId,
      jti: randomUUID(),
      nbf: issuedAt,
      iat: issuedAt,
      exp: issuedAt + CLIENT_ASSERTION_LIFETIME_SECONDS,
    };
    const { SignJWT } = await import('jose');
    return new SignJWT(payload)
      .setProtectedHeader(header)
      .sign(createPrivateKey(certificate.privateKey));
  };
}

/** The base64 DER of each certificate, leaf first, as the `x5c` header wants. */
function pemChainToX5c(pemChain: string): string[] {
  return [
    ...pemChain.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g),
  ].map((m) => m[1]!.replace(/\s+/g, ''));
}
