// Helpers for the user and certificate flows: PKCE, authorize URLs, client assertions, JWTs.
import { createHash, createPrivateKey, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import type { JWTPayload } from 'jose';
import {
  EMULATOR_TENANT_ID,
  JWT_BEARER_ASSERTION_TYPE,
  certificateThumbprints,
} from '../../../src/emulator/index.js';
import type { CertificatePair, Emulator } from '../../../src/emulator/index.js';
import { json, postForm, send, tokenPath } from './helpers.js';
import type { HttpResult } from './helpers.js';

// One definition for every test that checks the emulator's tokens; the flow tests take it from here.
export { verifyToken } from '../../support/verifyToken.js';

export const PUBLIC_CLIENT_ID = '3c4d5e6f-0000-4000-8000-0000000000b2';
export const WEB_CLIENT_ID = '4d5e6f70-0000-4000-8000-0000000000c3';
export const WEB_SECRET = 'web~secret.value-Emul8tor';
export const REDIRECT_URI = 'http://localhost';
export const WEB_REDIRECT_URI = 'https://app.contoso.test/callback';
export const STORAGE_USER_SCOPE = 'https://storage.azure.com/user_impersonation';
export const MSAL_SCOPES = `${STORAGE_USER_SCOPE} openid profile offline_access`;
/** The redirect URI the public client uses (registered as `http://localhost`). */
export const LOOPBACK_REDIRECT = 'http://localhost:8400';

/** A PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** An authorization URL for the emulator's tenant, as MSAL builds it. */
export function authorizeUrl(
  emulator: Pick<Emulator, 'url'>,
  params: Record<string, string | undefined>,
  tenant: string = EMULATOR_TENANT_ID,
): string {
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    response_mode: 'query',
    scope: MSAL_SCOPES,
    state: 'state-123',
    client_info: '1',
    ...params,
  };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(all)) if (value !== undefined) query.set(name, value);
  return `${emulator.url}/${tenant}/oauth2/v2.0/authorize?${query.toString()}`;
}

/** POSTs JSON to `path`. */
export function postJson(
  emulator: Pick<Emulator, 'url' | 'ca'>,
  path: string,
  body: object,
): Promise<HttpResult> {
  return send(emulator, path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
}

/** Approves (or not) through `POST /_emulator/authorize`; the redirect's URL. */
export async function programmaticLocation(
  emulator: Pick<Emulator, 'url' | 'ca'>,
  body: Record<string, string>,
): Promise<URL> {
  const result = await postJson(emulator, '/_emulator/authorize', body);
  expect(result.status).toBe(200);
  return new URL(String(json(result)['location']));
}

/** Signs in the test user through the programmatic route and returns the code. */
export async function obtainCode(
  emulator: Pick<Emulator, 'url' | 'ca'>,
  params: Record<string, string | undefined>,
): Promise<string> {
  const location = await programmaticLocation(emulator, {
    authorizeUrl: authorizeUrl(emulator, params),
  });
  const code = location.searchParams.get('code');
  expect(code).toEqual(expect.any(String));
  return String(code);
}

/**
 * Signs in through the programmatic route (the test user unless `answer` says otherwise) for the
 * public client with PKCE and nonce `nonce-456`; the code and its verifier.
 */
export async function signInForCode(
  emulator: Pick<Emulator, 'url' | 'ca'>,
  params: Record<string, string | undefined> = {},
  answer: Record<string, string> = {},
  tenant?: string,
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const defaults = {
    client_id: PUBLIC_CLIENT_ID,
    redirect_uri: LOOPBACK_REDIRECT,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    nonce: 'nonce-456',
  };
  const url = authorizeUrl(emulator, { ...defaults, ...params }, tenant);
  const location = await programmaticLocation(emulator, { authorizeUrl: url, ...answer });
  return { code: String(location.searchParams.get('code')), verifier };
}

/** Redeems a code as the public client would (MSAL's fields); `form` overrides any. */
export function redeemCode(
  emulator: Pick<Emulator, 'url' | 'ca'>,
  form: Record<string, string>,
  tenant?: string,
): Promise<HttpResult> {
  return postForm(emulator, tokenPath(tenant), {
    grant_type: 'authorization_code',
    client_id: PUBLIC_CLIENT_ID,
    redirect_uri: LOOPBACK_REDIRECT,
    scope: MSAL_SCOPES,
    client_info: '1',
    ...form,
  });
}

/** {@link redeemCode}, expecting 200; the token response. */
export async function redeemCodeOk(
  emulator: Pick<Emulator, 'url' | 'ca'>,
  form: Record<string, string>,
  tenant?: string,
): Promise<Record<string, unknown>> {
  const result = await redeemCode(emulator, form, tenant);
  expect(result.status).toBe(200);
  return json(result);
}

/** What a client assertion is made of; every field can be bent for error tests. */
export interface AssertionOptions {
  alg?: 'RS256' | 'PS256';
  header?: Record<string, unknown>;
  claims?: JWTPayload;
  /** Seconds since the epoch; default now. */
  now?: number;
  /** Which thumbprint header to send; default `x5t#S256`. */
  thumbprint?: 'x5t#S256' | 'x5t' | 'none';
  /** Sign with this key instead of the certificate's (PKCS#8 PEM). */
  keyPem?: string;
}

/** A client assertion signed with `cert`'s key, as MSAL makes it. */
export async function clientAssertion(
  cert: CertificatePair,
  clientId: string,
  audience: string,
  options: AssertionOptions = {},
): Promise<string> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const alg = options.alg ?? 'RS256';
  const thumbprints = certificateThumbprints(cert.certPem);
  const kind = options.thumbprint ?? 'x5t#S256';
  const thumbprint =
    kind === 'none' ? {} : { [kind]: kind === 'x5t' ? thumbprints.x5t : thumbprints.x5tS256 };
  const claims: JWTPayload = {
    aud: audience,
    iss: clientId,
    sub: clientId,
    jti: randomUUID(),
    nbf: now,
    exp: now + 600,
    ...options.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg, typ: 'JWT', ...thumbprint, ...options.header })
    .sign(createPrivateKey(options.keyPem ?? cert.keyPem));
}

/** The client assertion fields of a token request. */
export function assertionFields(assertion: string): Record<string, string> {
  return { client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion };
}

/** Decodes `client_info`. */
export function decodeClientInfo(value: unknown): unknown {
  return JSON.parse(Buffer.from(String(value), 'base64url').toString('utf8'));
}

export { decodeJwt };
