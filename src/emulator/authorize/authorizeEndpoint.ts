/**
 * The authorization endpoint (`/{tenant}/oauth2/v2.0/authorize`: the sign-in page and its form)
 * and the programmatic approval route (`POST /_emulator/authorize`).
 *
 * @packageDocumentation
 */
import { aadErrors, errorEnvironment, spec } from '../errors/aadErrors.js';
import type { AadErrorSpec } from '../errors/aadErrors.js';
import type { Call, Outcome, Reply } from '../http/call.js';
import {
  credentialFields,
  decisionButtons,
  errorParagraph,
  escapeHtml,
  hiddenInputs,
  htmlReply,
} from '../http/html.js';
import { matchRoute } from '../http/routes.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import { EMULATOR_TEST_USER } from '../types.js';
import { checkAuthorizeRequest, decide } from './authorizeRequest.js';
import type { AuthorizeDecision, AuthorizeRequest } from './authorizeRequest.js';

/** Form fields that are the user's answer, not parameters of the request. */
const ANSWER_FIELDS: readonly string[] = ['username', 'password', 'action'];

/** `GET` shows the sign-in page; `POST` (the page's form) applies the user's decision. */
export function authorizeEndpoint(ctx: EmulatorContext, call: Call): Outcome {
  if (call.method !== 'GET' && call.method !== 'POST') {
    return aadErrors.methodNotAllowed(call.method);
  }
  const params = call.method === 'GET' ? call.query : call.form;
  const env = errorEnvironment(ctx, call);
  const check = checkAuthorizeRequest(ctx, call.tenant, requestParams(params), env);
  if (check.kind === 'page') return errorPage(check.error, call.correlationId);
  if (check.kind === 'redirect') return answer(check.location, responseModeOf(params));
  if (call.method === 'GET') return signInPage(check.request, check.request.loginHint);
  const username = call.form['username'];
  const decision: AuthorizeDecision = {
    action: call.form['action'] ?? 'approve',
    username,
    password: call.form['password'],
    checkPassword: true,
  };
  const outcome = decide(ctx, check.request, decision, env);
  if ('location' in outcome) return answer(outcome.location, check.request.responseMode);
  return signInPage(check.request, username, outcome.error);
}

/**
 * `POST /_emulator/authorize` with `{ authorizeUrl, username?, password?, action? }` (JSON or
 * form): answers `{ location }`, the redirect the sign-in form would give. The username defaults
 * to the test user; the password is checked only when sent; the action defaults to `approve`.
 */
export function programmaticAuthorize(ctx: EmulatorContext, call: Call): Outcome {
  if (call.method !== 'POST') return aadErrors.postOnly(call.method);
  const authorizeUrl = call.form['authorizeUrl'];
  if (!authorizeUrl) return aadErrors.missingParameter('authorizeUrl');
  const target = parseAuthorizeUrl(authorizeUrl);
  if (!target) return invalidAuthorizeUrl();
  const env = errorEnvironment(ctx, call);
  const check = checkAuthorizeRequest(ctx, target.tenant, target.params, env);
  if (check.kind === 'page') return check.error;
  if (check.kind === 'redirect')
    return programmaticAnswer(check.location, responseModeOf(target.params));
  const password = call.form['password'];
  const outcome = decide(
    ctx,
    check.request,
    {
      action: call.form['action'] ?? 'approve',
      username: call.form['username'] ?? EMULATOR_TEST_USER.username,
      password,
      checkPassword: password !== undefined,
    },
    env,
  );
  return 'location' in outcome
    ? programmaticAnswer(outcome.location, check.request.responseMode)
    : outcome.error;
}

function requestParams(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).filter(([name]) => !ANSWER_FIELDS.includes(name)),
  );
}

function parseAuthorizeUrl(
  value: string,
): { tenant: string; params: Record<string, string> } | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const { route, tenant } = matchRoute(url.pathname);
  if (route !== 'authorize' || tenant === '') return undefined;
  const params: Record<string, string> = {};
  url.searchParams.forEach((v, name) => {
    if (!(name in params)) params[name] = v;
  });
  return { tenant, params: requestParams(params) };
}

function invalidAuthorizeUrl(): AadErrorSpec {
  return spec(
    400,
    'invalid_request',
    90100,
    'The authorizeUrl parameter is empty or not valid: it must be an authorization endpoint URL ' +
      'of this emulator, /{tenant}/oauth2/v2.0/authorize?...',
  );
}

function redirect(location: string): Reply {
  return { status: 302, body: '', headers: { Location: location } };
}

function responseModeOf(params: Record<string, string>): string {
  return params['response_mode'] ?? 'query';
}

/**
 * Delivers the authorization response: a redirect, or for `response_mode=form_post` a page whose
 * form posts the response to the redirect URI (MSAL Node's loopback listener takes only that).
 */
function answer(location: string, responseMode: string): Reply {
  if (responseMode !== 'form_post') return redirect(location);
  const { action, fields } = formPost(location);
  const body =
    `<form method="post" action="${escapeHtml(action)}" id="response">` +
    hiddenInputs(fields) +
    '<noscript><button type="submit">Continue</button></noscript></form>' +
    '<script>document.getElementById("response").submit();</script>';
  return htmlReply(200, 'Signing in', body);
}

/** The programmatic route's answer: the redirect, plus the form to post for `form_post`. */
function programmaticAnswer(location: string, responseMode: string): Reply {
  if (responseMode !== 'form_post') return { status: 200, body: { location } };
  return { status: 200, body: { location, responseMode, formPost: formPost(location) } };
}

function formPost(location: string): { action: string; fields: Record<string, string> } {
  const url = new URL(location);
  const fields = Object.fromEntries(url.searchParams);
  url.search = '';
  return { action: url.toString(), fields };
}

/** The sign-in page: username (prefilled), an empty password, Approve and Cancel. */
function signInPage(request: AuthorizeRequest, username?: string, error?: AadErrorSpec): Reply {
  const app = request.app.displayName ?? request.app.clientId;
  const action = `/${encodeURIComponent(request.tenant)}/oauth2/v2.0/authorize`;
  const body =
    '<h1>Sign in</h1>' +
    `<p>to continue to <strong>${escapeHtml(app)}</strong>, which asks for: ` +
    `<code>${escapeHtml(request.scope)}</code></p>` +
    errorParagraph(error && `AADSTS${error.code ?? ''}: ${error.message}`) +
    `<form method="post" action="${escapeHtml(action)}">` +
    hiddenInputs(request.params) +
    credentialFields(username) +
    decisionButtons('Approve') +
    '</form>';
  return htmlReply(200, 'Sign in to your account', body);
}

/** A page for errors that must not be redirected (unknown client, bad redirect URI). */
function errorPage(error: AadErrorSpec, correlationId: string): Reply {
  const body =
    "<h1>Sorry, but we're having trouble signing you in.</h1>" +
    errorParagraph(`AADSTS${error.code ?? ''}: ${error.message}`) +
    `<p>Correlation ID: ${escapeHtml(correlationId)}</p>`;
  return htmlReply(error.status, 'Sign in to your account', body);
}
