/**
 * AuthorizationCodeCredential with bad input, a row each: where it fails (construction or
 * getToken) and with what; ./badInput.test.ts runs the table with test/support/badInput.ts.
 */
import { AuthorizationCodeCredential } from '../../../src/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import {
  SECRET,
  WRONG_SECRET,
  WEB_APP,
  WEB_REDIRECT,
  UNKNOWN_TENANT,
  MALFORMED_TENANT,
  HTTP_AUTHORITY,
  GRAPH,
  unknownTenant,
  requiredParameter,
  MALFORMED_TENANT_MESSAGE,
  HTTP_AUTHORITY_MESSAGE,
  type Kit,
  type Row,
} from '../../support/badInput.js';
import { emulatorRequest } from '../../support/userFlows.js';

const required = requiredParameter('AuthorizationCodeCredential');

/** An authorization code for the web app, from the emulator's programmatic sign-in. */
async function authorizationCode(em: Emulator): Promise<string> {
  const authorizeUrl = `${em.url}/${em.tenantId}/oauth2/v2.0/authorize?${new URLSearchParams({
    client_id: WEB_APP,
    response_type: 'code',
    redirect_uri: WEB_REDIRECT,
    scope: `openid offline_access ${GRAPH}`,
    state: 'state-1',
  })}`;
  const res = await emulatorRequest(em, `${em.url}/_emulator/authorize`, {
    json: { authorizeUrl },
  });
  const location = (JSON.parse(res.text) as { location: string }).location;
  return new URL(location).searchParams.get('code')!;
}

const authCode = (
  k: Kit,
  args: { tenant?: string; clientId?: string; secret?: string; code?: string; redirect?: string },
  options: object = k.options,
): AuthorizationCodeCredential =>
  new AuthorizationCodeCredential(
    args.tenant ?? k.em.tenantId,
    args.clientId ?? WEB_APP,
    args.secret ?? SECRET,
    args.code ?? 'CANARY-code~Fake.Qw3Er5',
    args.redirect ?? WEB_REDIRECT,
    options,
  );

/** The parameter each empty field is named by. */
const PARAMETER = {
  tenant: 'tenantId',
  clientId: 'clientId',
  code: 'authorizationCode',
  redirect: 'redirectUri',
} as const;

export const authorizationCodeRows: Row[] = [
  {
    name: 'an empty clientSecret',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'construction',
    message: required('clientSecret'),
    scenario: async (k) => {
      const code = await authorizationCode(k.em);
      return { make: () => authCode(k, { code, secret: '' }), secrets: [code], scope: GRAPH };
    },
  },
  ...(['tenant', 'clientId', 'code', 'redirect'] as const).map((field): Row => ({
    name: `an empty ${field === 'code' ? 'authorizationCode' : field === 'redirect' ? 'redirectUri' : field}`,
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'construction',
    message: required(PARAMETER[field]),
    scenario: (k) => ({
      make: () => authCode(k, { [field]: '' }),
      secrets: [SECRET, 'CANARY-code~Fake.Qw3Er5'],
    }),
  })),
  {
    name: 'a malformed tenant id',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: MALFORMED_TENANT_MESSAGE,
    scenario: (k) => ({
      make: () => authCode(k, { tenant: MALFORMED_TENANT }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a non-https authority host',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: HTTP_AUTHORITY_MESSAGE,
    scenario: (k) => ({
      make: () => authCode(k, {}, { ...k.options, authorityHost: HTTP_AUTHORITY }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a tenant the authority does not know',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: unknownTenant,
    scenario: async (k) => {
      const code = await authorizationCode(k.em);
      return {
        make: () => authCode(k, { tenant: UNKNOWN_TENANT, code }),
        secrets: [SECRET, code],
        scope: GRAPH,
      };
    },
  },
  {
    name: 'an expired authorization code',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: { error: 'invalid_grant', errorCodes: [70008] },
    scenario: async (k) => {
      const code = await authorizationCode(k.em);
      k.skew(3_600_000);
      return { make: () => authCode(k, { code }), secrets: [SECRET, code], scope: GRAPH };
    },
  },
  {
    name: 'a wrong client secret',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: { error: 'invalid_client', errorCodes: [7000215] },
    scenario: async (k) => {
      const code = await authorizationCode(k.em);
      return {
        make: () => authCode(k, { code, secret: WRONG_SECRET }),
        secrets: [SECRET, WRONG_SECRET, code],
        scope: GRAPH,
      };
    },
  },
];
