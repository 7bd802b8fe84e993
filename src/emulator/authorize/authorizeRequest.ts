/**
 * The authorization request: validation, the user's decision, the code and the redirect.
 *
 * @packageDocumentation
 */
import { aadErrorBody, aadErrors } from '../errors/aadErrors.js';
import type { AadErrorSpec, ErrorEnvironment } from '../errors/aadErrors.js';
import { grantErrors } from '../errors/grantErrors.js';
import { isMultiTenantAlias, passwordMatches } from '../state/directory.js';
import type { RegisteredApp } from '../state/directory.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { randomId } from '../state/ids.js';
import { parseScopeFor } from '../tokens/delegatedScope.js';
import { identityOf } from '../tokens/userToken.js';
import { redirectUriMatches } from './redirectUri.js';

const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** A valid authorization request. */
export interface AuthorizeRequest {
  /** The tenant segment of the authorize path. */
  tenant: string;
  app: RegisteredApp;
  redirectUri: string;
  /** `fragment` when asked for; otherwise `query`. */
  /** `form_post` (what MSAL Node asks for) answers with a page that posts the result. */
  responseMode: 'query' | 'fragment' | 'form_post';
  scope: string;
  state?: string;
  /** The S256 `code_challenge`. */
  challenge?: string;
  nonce?: string;
  loginHint?: string;
  /** Every parameter as received, for the sign-in form's hidden inputs. */
  params: Record<string, string>;
}

/** A checked request: valid; an error shown on a page (never redirected); or an error redirect. */
export type AuthorizeCheck =
  | { kind: 'valid'; request: AuthorizeRequest }
  | { kind: 'page'; error: AadErrorSpec }
  | { kind: 'redirect'; location: string };

/** What the user decided, on the page or through the programmatic route. */
export interface AuthorizeDecision {
  action: string;
  username?: string;
  /** Checked when present; the programmatic route may omit it. */
  password?: string;
  checkPassword: boolean;
}

/**
 * Checks an authorization request. Until client and redirect URI are known good, errors are shown
 * on a page; later ones go back to the redirect URI.
 */
export function checkAuthorizeRequest(
  ctx: EmulatorContext,
  tenant: string,
  params: Record<string, string>,
  env: ErrorEnvironment,
): AuthorizeCheck {
  if (!isMultiTenantAlias(tenant) && !ctx.directory.hasTenant(tenant)) {
    return { kind: 'page', error: aadErrors.tenantNotFound(tenant) };
  }
  const clientId = params['client_id'];
  if (!clientId) return { kind: 'page', error: aadErrors.missingParameter('client_id') };
  const app = ctx.directory.findApp(tenant, clientId);
  if (!app) return { kind: 'page', error: aadErrors.appNotFound(clientId, tenant) };
  const redirectUri = params['redirect_uri'];
  if (!redirectUri) return { kind: 'page', error: aadErrors.missingParameter('redirect_uri') };
  if (!redirectUriMatches(app.redirectUris ?? [], redirectUri)) {
    return { kind: 'page', error: grantErrors.redirectMismatch(redirectUri, app.clientId) };
  }
  const request: AuthorizeRequest = {
    tenant,
    app,
    redirectUri,
    responseMode: responseModeOf(params['response_mode']),
    scope: params['scope'] ?? '',
    state: params['state'],
    challenge: params['code_challenge'],
    nonce: params['nonce'],
    loginHint: params['login_hint'],
    params,
  };
  const error = requestError(ctx, request);
  if (error) return { kind: 'redirect', location: errorLocation(request, error, env) };
  return { kind: 'valid', request };
}

function requestError(ctx: EmulatorContext, request: AuthorizeRequest): AadErrorSpec | undefined {
  const { params } = request;
  const responseType = params['response_type'];
  if (!responseType) return aadErrors.missingParameter('response_type');
  if (responseType !== 'code') return grantErrors.responseTypeUnsupported(responseType);
  if (!params['scope']) return aadErrors.missingParameter('scope');
  const scope = parseScopeFor(ctx, request.scope, request.tenant);
  if ('error' in scope) return scope;
  return (
    pkceError(request) ?? (params['prompt'] === 'none' ? grantErrors.loginRequired() : undefined)
  );
}

/** PKCE: S256 only; required of public clients, optional for confidential ones. */
function pkceError(request: AuthorizeRequest): AadErrorSpec | undefined {
  const method = request.params['code_challenge_method'];
  if (request.challenge === undefined) {
    return request.app.publicClient || method !== undefined
      ? grantErrors.pkceRequired()
      : undefined;
  }
  if (method !== 'S256') return grantErrors.pkceRequired();
  return S256_CHALLENGE.test(request.challenge) ? undefined : grantErrors.challengeInvalid();
}

/**
 * Applies the user's decision: cancel redirects with `access_denied`; approve with a known user
 * (and the right password, when checked) redirects with a new code. Bad credentials: an error.
 */
export function decide(
  ctx: EmulatorContext,
  request: AuthorizeRequest,
  decision: AuthorizeDecision,
  env: ErrorEnvironment,
): { location: string } | { error: AadErrorSpec } {
  if (decision.action === 'cancel') {
    return { location: errorLocation(request, grantErrors.declined(), env) };
  }
  if (decision.action !== 'approve') return { error: aadErrors.missingParameter('action') };
  const user = ctx.directory.findUser(request.tenant, decision.username ?? '');
  if (!user || (decision.checkPassword && !passwordMatches(user, decision.password))) {
    return { error: grantErrors.badCredentials() };
  }
  const code = `1.A${randomId(64)}`;
  const now = ctx.now();
  ctx.grants.codes.set(code, {
    clientId: request.app.clientId,
    redirectUri: request.redirectUri,
    challenge: request.challenge,
    scope: request.scope,
    user: identityOf(user),
    tenantId: user.tenantId,
    nonce: request.nonce,
    redeemed: false,
    expiresAt: now + ctx.lifetimes.authorizationCode * 1000,
  });
  return { location: redirectLocation(request, { code }) };
}

/** The redirect carrying an OAuth error (and the state). */
function errorLocation(
  request: AuthorizeRequest,
  spec: AadErrorSpec,
  env: ErrorEnvironment,
): string {
  const body = aadErrorBody(spec, env) as { error_description: string; error_uri: string };
  return redirectLocation(request, {
    error: spec.error,
    error_description: body.error_description,
    error_uri: body.error_uri,
  });
}

function redirectLocation(request: AuthorizeRequest, values: Record<string, string>): string {
  const url = new URL(request.redirectUri);
  const params = new URLSearchParams(values);
  if (request.state !== undefined) params.set('state', request.state);
  if (request.responseMode === 'fragment') {
    url.hash = params.toString();
    return url.toString();
  }
  params.forEach((value, name) => url.searchParams.set(name, value));
  return url.toString();
}

function responseModeOf(value: string | undefined): AuthorizeRequest['responseMode'] {
  return value === 'fragment' || value === 'form_post' ? value : 'query';
}
