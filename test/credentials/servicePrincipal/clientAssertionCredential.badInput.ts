/**
 * ClientAssertionCredential with bad input, a row each: where it fails (construction or
 * getToken) and with what; ./badInput.test.ts runs the table with test/support/badInput.ts.
 */
import { ClientAssertionCredential } from '../../../src/index.js';
import {
  SECRET,
  THROWN_SECRET,
  CERT_APP,
  UNKNOWN_TENANT,
  MALFORMED_TENANT,
  HTTP_AUTHORITY,
  unknownTenant,
  requiredParameter,
  MALFORMED_TENANT_MESSAGE,
  HTTP_AUTHORITY_MESSAGE,
  forgedAssertion,
  type Kit,
  type Row,
} from '../../support/badInput.js';

const required = requiredParameter('ClientAssertionCredential');

const assertionCredential = (
  k: Kit,
  getAssertion: () => Promise<string>,
  tenant = k.em.tenantId,
  options: object = k.options,
): ClientAssertionCredential =>
  new ClientAssertionCredential(tenant, CERT_APP, getAssertion, options);

export const clientAssertionRows: Row[] = [
  {
    name: 'an empty tenantId',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'construction',
    message: required('tenantId'),
    scenario: (k) => ({ make: () => assertionCredential(k, forgedAssertion, '') }),
  },
  {
    name: 'an empty clientId',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'construction',
    message: required('clientId'),
    scenario: (k) => ({
      make: () => new ClientAssertionCredential(k.em.tenantId, '', forgedAssertion, k.options),
    }),
  },
  {
    name: 'a missing getAssertion',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'construction',
    message: required('getAssertion'),
    scenario: (k) => ({
      make: () => assertionCredential(k, undefined as unknown as () => Promise<string>),
    }),
  },
  {
    name: 'a malformed tenant id',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: MALFORMED_TENANT_MESSAGE,
    scenario: (k) => ({ make: () => assertionCredential(k, forgedAssertion, MALFORMED_TENANT) }),
  },
  {
    name: 'a non-https authority host',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: HTTP_AUTHORITY_MESSAGE,
    scenario: (k) => ({
      make: () =>
        assertionCredential(k, forgedAssertion, k.em.tenantId, {
          ...k.options,
          authorityHost: HTTP_AUTHORITY,
        }),
    }),
  },
  {
    name: 'a tenant the authority does not know',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: unknownTenant,
    scenario: async (k) => {
      const assertion = await forgedAssertion();
      return {
        make: () => assertionCredential(k, async () => assertion, UNKNOWN_TENANT),
        secrets: [assertion],
      };
    },
  },
  {
    name: 'an assertion callback that throws an Error quoting the assertion',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'getToken',
    scenario: async (k) => {
      const assertion = await forgedAssertion();
      return {
        make: () =>
          assertionCredential(k, async () => {
            throw new Error(`the token file held ${assertion}, which the issuer revoked`);
          }),
        secrets: [assertion],
      };
    },
  },
  {
    name: 'an assertion callback that throws a secret-bearing form',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'getToken',
    scenario: (k) => ({
      make: () =>
        assertionCredential(k, async () => {
          throw new Error(`POST failed: client_assertion=${THROWN_SECRET}&password=${SECRET}`);
        }),
      secrets: [THROWN_SECRET, SECRET],
    }),
  },
  {
    name: 'an assertion callback that throws a string',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'getToken',
    scenario: (k) => ({
      make: () =>
        assertionCredential(k, () => {
          // A callback may throw anything; what it throws may be the assertion itself.
          return Promise.reject(THROWN_SECRET);
        }),
      secrets: [THROWN_SECRET],
    }),
  },
  {
    name: 'an assertion callback that throws an Error quoting a plain secret',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'getToken',
    scenario: (k) => ({
      make: () =>
        assertionCredential(k, async () => {
          // What JSON.parse says of a token file it cannot read: a slice of the file.
          throw new Error(`Unexpected token 'C', "${THROWN_SECRET}" is not valid JSON`);
        }),
      secrets: [THROWN_SECRET],
    }),
  },
  {
    name: "an assertion callback that returns ''",
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'getToken',
    scenario: (k) => ({ make: () => assertionCredential(k, async () => '') }),
  },
  {
    name: 'an assertion the authority refuses',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    scenario: async (k) => {
      const assertion = await forgedAssertion();
      return { make: () => assertionCredential(k, async () => assertion), secrets: [assertion] };
    },
  },
];
