/**
 * Errors of the user flows: authorization, codes, refresh tokens, device codes, on-behalf-of.
 *
 * @packageDocumentation
 */
import { spec } from './aadErrors.js';
import type { AadErrorSpec } from './aadErrors.js';

/** Errors of the authorization endpoint and the user grants; none echoes a code or a token. */
export const grantErrors = {
  redirectMismatch: (uri: string, clientId: string): AadErrorSpec =>
    spec(
      400,
      'invalid_request',
      50011,
      `The redirect URI '${uri}' specified in the request does not match the redirect URIs ` +
        `configured for the application '${clientId}'. Make sure the redirect URI sent in the ` +
        'request matches one added to your application in the Azure portal.',
    ),
  responseTypeUnsupported: (type: string): AadErrorSpec =>
    spec(
      400,
      'unsupported_response_type',
      700054,
      `response_type '${type}' is not enabled for the application.`,
    ),
  pkceRequired: (): AadErrorSpec =>
    spec(
      400,
      'invalid_request',
      9002325,
      'Proof Key for Code Exchange is required: send a code_challenge with ' +
        'code_challenge_method=S256 (the only method the emulator supports).',
    ),
  challengeInvalid: (): AadErrorSpec =>
    spec(400, 'invalid_request', 501491, 'Invalid size of Code_Challenge parameter.'),
  loginRequired: (): AadErrorSpec =>
    spec(
      400,
      'login_required',
      50058,
      'A silent sign-in request was sent but no user is signed in.',
    ),
  declined: (): AadErrorSpec =>
    spec(400, 'access_denied', 65004, 'User declined to consent to access the app.'),
  badCredentials: (): AadErrorSpec =>
    spec(
      400,
      'invalid_grant',
      50126,
      'Error validating credentials due to invalid username or password.',
    ),
  /** The password grant for a user under multifactor authentication. */
  mfaRequired: (scope: string): AadErrorSpec => ({
    ...spec(
      400,
      'invalid_grant',
      50076,
      'Due to a configuration change made by your administrator, or because you moved to a new ' +
        `location, you must use multi-factor authentication to access '${scopeResource(scope)}'.`,
    ),
    suberror: 'basic_action',
  }),
  invalidScope: (scope: string): AadErrorSpec =>
    spec(
      400,
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is ` +
        'not valid.',
    ),
  /** An unknown (or another client's) code, refresh token or device code. */
  invalidGrant: (parameter: string): AadErrorSpec =>
    spec(
      400,
      'invalid_grant',
      70000,
      `The provided value for the '${parameter}' parameter is not valid.`,
    ),
  codeExpired: (): AadErrorSpec =>
    spec(
      400,
      'invalid_grant',
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a ' +
        'new interactive authorization request for this user and resource.',
    ),
  codeRedeemed: (): AadErrorSpec =>
    spec(
      400,
      'invalid_grant',
      54005,
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or ' +
        'use an existing refresh token.',
    ),
  replyAddressMismatch: (given: string, original: string): AadErrorSpec =>
    spec(
      400,
      'invalid_grant',
      500112,
      `The reply address '${given}' does not match the reply address '${original}' provided ` +
        'when requesting Authorization code.',
    ),
  verifierMismatch: (): AadErrorSpec =>
    spec(
      400,
      'invalid_grant',
      501481,
      'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
    ),
  refreshTokenExpired: (issued: string, days: number): AadErrorSpec =>
    spec(
      400,
      'invalid_grant',
      700082,
      `The refresh token has expired due to inactivity. The token was issued on ${issued} and ` +
        `was inactive for ${days} days.`,
    ),
  authorizationPending: (): AadErrorSpec =>
    spec(
      400,
      'authorization_pending',
      70016,
      'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
    ),
  /** RFC 8628 `slow_down`; Entra never sends it, so it carries no AADSTS code. */
  slowDown: (interval: number): AadErrorSpec => ({
    status: 400,
    error: 'slow_down',
    message: `The client is polling faster than the interval of ${interval} seconds.`,
  }),
  deviceCodeExpired: (): AadErrorSpec =>
    spec(
      400,
      'expired_token',
      70020,
      "The provided value for the input parameter 'device_code' is not valid. This device code " +
        'has expired.',
    ),
  deviceCodeDeclined: (): AadErrorSpec =>
    spec(
      400,
      'authorization_declined',
      70000,
      'The user declined the authorization request for this device code.',
    ),
  /** On-behalf-of: the incoming assertion is not a valid, current user token for this client. */
  assertionInvalid: (reason: string): AadErrorSpec =>
    spec(
      400,
      'invalid_grant',
      50013,
      `Assertion failed signature validation. [Reason - ${reason}]`,
    ),
  assertionExpired: (): AadErrorSpec =>
    spec(
      400,
      'invalid_grant',
      50013,
      'Assertion is not within its valid time range. Ensure that the access token is not expired ' +
        'before using it for user assertion, or request a new token.',
    ),
};

/** The resource a scope list names first (`https://graph.microsoft.com` of `…/User.Read`). */
function scopeResource(scope: string): string {
  const first = scope.split(' ').find((s) => s.includes('/')) ?? scope.split(' ')[0] ?? '';
  const slash = first.lastIndexOf('/');
  return slash > first.indexOf('//') + 1 ? first.slice(0, slash) : first;
}
