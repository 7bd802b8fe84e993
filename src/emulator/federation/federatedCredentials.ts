/**
 * Federated credentials (workload identity federation): the emulator plays every external issuer,
 * signing their tokens with its own key, and accepts them as client assertions of the apps whose
 * federated credentials match.
 *
 * @packageDocumentation
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { JWTPayload } from 'jose';
import type { AadErrorSpec } from '../errors/aadErrors.js';
import { clientErrors } from '../errors/clientErrors.js';
import type { RegisteredApp } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { randomGuid } from '../state/ids.js';
import { checkAssertionTimes } from '../tokens/assertionTimes.js';
import { FEDERATED_TOKEN_AUDIENCE } from './federationTypes.js';
import type { FederatedIssuers, FederatedTokenOptions } from './federationTypes.js';

const DEFAULT_LIFETIME_SECONDS = 3600;

/** The issuer URLs of the emulator at `url`. */
export function federatedIssuers(url: string): FederatedIssuers {
  return { kubernetes: `${url}/kubernetes`, azureDevOps: `${url}/devops` };
}

/** Signs a federated token: RS256 with the emulator's key, `iat`/`nbf`/`exp` from the clock. */
export function issueFederatedToken(
  ctx: EmulatorContext,
  options: FederatedTokenOptions,
): Promise<string> {
  const iat = Math.floor(ctx.now() / 1000);
  return ctx.signer.sign({
    iss: options.issuer,
    sub: options.subject,
    aud: options.audience ?? FEDERATED_TOKEN_AUDIENCE,
    iat,
    nbf: iat,
    exp: iat + (options.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS),
    jti: randomGuid(),
  });
}

/**
 * Whether `assertion` is a federated one: a JWT whose `iss` is not the app's client id and whose
 * header names no certificate (`x5t`, `x5t#S256`); a certificate assertion with a foreign `iss`
 * is refused as such (AADSTS700021).
 */
export function isFederatedAssertion(app: RegisteredApp, assertion: string): boolean {
  const issuer = unverifiedClaims(assertion)?.iss;
  if (typeof issuer !== 'string' || issuer.toLowerCase() === app.clientId.toLowerCase()) {
    return false;
  }
  try {
    const header = decodeProtectedHeader(assertion);
    return header.x5t === undefined && header['x5t#S256'] === undefined;
  } catch {
    return false;
  }
}

/**
 * Verifies a federated assertion for `app`: a federated credential must match `iss` and `sub`
 * exactly (AADSTS70021) and its audience be in `aud` (AADSTS700212); then the signature (the
 * emulator's key, AADSTS700027) and the validity window (AADSTS700024). The `jti` is not
 * checked for replay: a projected token is re-sent for as long as it lives.
 */
export async function verifyFederatedAssertion(
  ctx: EmulatorContext,
  app: RegisteredApp,
  assertion: string,
): Promise<AadErrorSpec | undefined> {
  const claims = unverifiedClaims(assertion);
  if (!claims) return clientErrors.assertionMalformed();
  const mismatch = matchCredential(app, claims);
  if (mismatch) return mismatch;
  let verified: JWTPayload;
  try {
    verified = await ctx.signer.verify(assertion);
  } catch {
    return clientErrors.federatedSignature();
  }
  return checkAssertionTimes(ctx.now(), verified);
}

function matchCredential(app: RegisteredApp, claims: JWTPayload): AadErrorSpec | undefined {
  const { iss = '', sub = '' } = claims;
  const audiences = audiencesOf(claims.aud);
  const candidates = (app.federatedCredentials ?? []).filter(
    (credential) => credential.issuer === iss && credential.subject === sub,
  );
  if (candidates.length === 0) return clientErrors.federatedNoMatch(iss, sub, audiences.join(','));
  const accepted = candidates.some((credential) =>
    audiences.includes(credential.audience ?? FEDERATED_TOKEN_AUDIENCE),
  );
  return accepted ? undefined : clientErrors.federatedAudience(audiences.join(','));
}

function audiencesOf(aud: JWTPayload['aud']): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((value) => typeof value === 'string') : [];
}

function unverifiedClaims(assertion: string): JWTPayload | undefined {
  try {
    return decodeJwt(assertion);
  } catch {
    return undefined;
  }
}
