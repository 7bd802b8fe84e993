/**
 * OnBehalfOfCredential with bad input, a row each: where it fails (construction or
 * getToken) and with what; ./badInput.test.ts runs the table with test/support/badInput.ts.
 */
import {
  DeviceCodeCredential,
  OnBehalfOfCredential,
  TokenManager,
  type OnBehalfOfCredentialOptions,
} from '../../../src/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import {
  SECRET,
  WRONG_SECRET,
  PFX_PASSWORD,
  WRONG_PASSWORD,
  GARBAGE_USER_ASSERTION,
  API_APP,
  PUBLIC_APP,
  UNKNOWN_TENANT,
  MALFORMED_TENANT,
  HTTP_AUTHORITY,
  GRAPH,
  unknownTenant,
  requiredParameter,
  MALFORMED_TENANT_MESSAGE,
  HTTP_AUTHORITY_MESSAGE,
  cert,
  malformedPem,
  forgedAssertion,
  type Kit,
  type Row,
} from '../../support/badInput.js';

const required = requiredParameter('OnBehalfOfCredential');

/** A real user token issued by the emulator (audience Graph, not the API), via device code. */
async function graphUserToken(em: Emulator): Promise<string> {
  const tokenManager = new TokenManager();
  const credential = new DeviceCodeCredential({
    authorityHost: em.url,
    tlsOptions: { ca: em.ca },
    env: {},
    tenantId: em.tenantId,
    clientId: PUBLIC_APP,
    tokenManager,
    userPromptCallback: (info) => em.approveDeviceCode(info.userCode),
  });
  try {
    return (await credential.getToken(GRAPH)).token;
  } finally {
    await credential.close();
    await tokenManager.close();
  }
}

const onBehalfOf = (
  k: Kit,
  options: Partial<OnBehalfOfCredentialOptions> & Record<string, unknown>,
): OnBehalfOfCredential =>
  new OnBehalfOfCredential({
    ...k.options,
    tenantId: k.em.tenantId,
    clientId: API_APP,
    userAssertionToken: GARBAGE_USER_ASSERTION,
    ...options,
  } as OnBehalfOfCredentialOptions);

export const onBehalfOfRows: Row[] = [
  {
    name: 'an empty tenantId',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'construction',
    message: required('tenantId'),
    scenario: (k) => ({
      make: () => onBehalfOf(k, { tenantId: '', clientSecret: SECRET }),
      secrets: [SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'an empty clientId',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'construction',
    message: required('clientId'),
    scenario: (k) => ({
      make: () => onBehalfOf(k, { clientId: '', clientSecret: SECRET }),
      secrets: [SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a missing userAssertionToken',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'construction',
    message: required('userAssertionToken'),
    scenario: (k) => ({
      make: () => onBehalfOf(k, { userAssertionToken: undefined, clientSecret: SECRET }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'no options at all',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'construction',
    message: required('tenantId'),
    scenario: () => ({
      make: () => new OnBehalfOfCredential(undefined as unknown as OnBehalfOfCredentialOptions),
    }),
  },
  {
    name: 'no way to prove the client',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: /provide exactly one of clientSecret, certificatePath or getAssertion/,
    scenario: (k) => ({ make: () => onBehalfOf(k, {}), secrets: [GARBAGE_USER_ASSERTION] }),
  },
  {
    name: 'both a secret and a certificate',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: /provide exactly one of clientSecret, certificatePath or getAssertion/,
    scenario: (k) => ({
      make: () =>
        onBehalfOf(k, {
          clientSecret: SECRET,
          certificatePath: k.file('obo.pem', cert.combinedPem),
        }),
      secrets: [SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a malformed tenant id',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: MALFORMED_TENANT_MESSAGE,
    scenario: (k) => ({
      make: () => onBehalfOf(k, { tenantId: MALFORMED_TENANT, clientSecret: SECRET }),
      secrets: [SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a non-https authority host',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: HTTP_AUTHORITY_MESSAGE,
    scenario: (k) => ({
      make: () => onBehalfOf(k, { authorityHost: HTTP_AUTHORITY, clientSecret: SECRET }),
      secrets: [SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a tenant the authority does not know',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: unknownTenant,
    scenario: (k) => ({
      make: () => onBehalfOf(k, { tenantId: UNKNOWN_TENANT, clientSecret: SECRET }),
      secrets: [SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a garbage user assertion',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: { error: 'invalid_grant', errorCodes: [50013] },
    scenario: (k) => ({
      make: () => onBehalfOf(k, { clientSecret: SECRET }),
      secrets: [SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a user token issued to another audience',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: { error: 'invalid_grant', errorCodes: [50013] },
    scenario: async (k) => {
      const userToken = await graphUserToken(k.em);
      return {
        make: () => onBehalfOf(k, { clientSecret: SECRET, userAssertionToken: userToken }),
        secrets: [SECRET, userToken],
      };
    },
  },
  {
    name: 'a wrong client secret',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: { error: 'invalid_client', errorCodes: [7000215] },
    scenario: (k) => ({
      make: () => onBehalfOf(k, { clientSecret: WRONG_SECRET }),
      secrets: [SECRET, WRONG_SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a malformed PEM file',
    code: 'ERR_INVALID_CERTIFICATE',
    failsAt: 'getToken',
    scenario: (k) => ({
      make: () => onBehalfOf(k, { certificatePath: k.file('obo-bad.pem', malformedPem()) }),
      secrets: [GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a wrong PKCS#12 password',
    code: 'ERR_INVALID_CERTIFICATE',
    failsAt: 'getToken',
    scenario: (k) => ({
      make: () =>
        onBehalfOf(k, {
          certificatePath: k.file('obo.pfx', cert.pfx(PFX_PASSWORD)),
          certificatePassword: WRONG_PASSWORD,
        }),
      secrets: [PFX_PASSWORD, WRONG_PASSWORD, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'an assertion callback that throws',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'getToken',
    scenario: async (k) => {
      const assertion = await forgedAssertion();
      return {
        make: () =>
          onBehalfOf(k, {
            getAssertion: async () => {
              throw new Error(`cannot use ${assertion}`);
            },
          }),
        secrets: [assertion, GARBAGE_USER_ASSERTION],
      };
    },
  },
];
