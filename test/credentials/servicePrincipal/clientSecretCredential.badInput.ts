/**
 * ClientSecretCredential with bad input, a row each: where it fails (construction or
 * getToken) and with what; ./badInput.test.ts runs the table with test/support/badInput.ts.
 */
import { ClientSecretCredential } from '../../../src/index.js';
import {
  SECRET,
  WRONG_SECRET,
  SECRET_APP,
  UNKNOWN_TENANT,
  MALFORMED_TENANT,
  HTTP_AUTHORITY,
  unknownTenant,
  requiredParameter,
  MALFORMED_TENANT_MESSAGE,
  HTTP_AUTHORITY_MESSAGE,
  type Kit,
  type Row,
} from '../../support/badInput.js';

const required = requiredParameter('ClientSecretCredential');

const secretCredential = (
  k: Kit,
  tenant = k.em.tenantId,
  secret = SECRET,
  options: object = k.options,
): ClientSecretCredential => new ClientSecretCredential(tenant, SECRET_APP, secret, options);

export const clientSecretRows: Row[] = [
  {
    name: 'an empty tenantId',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'construction',
    message: required('tenantId'),
    scenario: (k) => ({ make: () => secretCredential(k, ''), secrets: [SECRET] }),
  },
  {
    name: 'an empty clientId',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'construction',
    message: required('clientId'),
    scenario: (k) => ({
      make: () => new ClientSecretCredential(k.em.tenantId, '', SECRET, k.options),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a missing clientSecret',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'construction',
    message: required('clientSecret'),
    scenario: (k) => ({
      make: () =>
        new ClientSecretCredential(
          k.em.tenantId,
          SECRET_APP,
          undefined as unknown as string,
          k.options,
        ),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a malformed tenant id',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: MALFORMED_TENANT_MESSAGE,
    scenario: (k) => ({ make: () => secretCredential(k, MALFORMED_TENANT), secrets: [SECRET] }),
  },
  {
    name: 'a non-https authority host',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: HTTP_AUTHORITY_MESSAGE,
    scenario: (k) => ({
      make: () =>
        secretCredential(k, k.em.tenantId, SECRET, { ...k.options, authorityHost: HTTP_AUTHORITY }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a tenant the authority does not know',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: unknownTenant,
    scenario: (k) => ({ make: () => secretCredential(k, UNKNOWN_TENANT), secrets: [SECRET] }),
  },
  {
    name: 'a wrong client secret',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: { error: 'invalid_client', errorCodes: [7000215] },
    scenario: (k) => ({
      make: () => secretCredential(k, k.em.tenantId, WRONG_SECRET),
      secrets: [SECRET, WRONG_SECRET],
    }),
  },
];
