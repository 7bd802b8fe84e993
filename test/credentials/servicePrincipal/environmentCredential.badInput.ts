/**
 * EnvironmentCredential with bad input, a row each: where it fails (construction or
 * getToken) and with what; ./badInput.test.ts runs the table with test/support/badInput.ts.
 */
import { EnvironmentCredential } from '../../../src/index.js';
import {
  SECRET,
  WRONG_SECRET,
  PFX_PASSWORD,
  WRONG_PASSWORD,
  SECRET_APP,
  CERT_APP,
  UNKNOWN_TENANT,
  MALFORMED_TENANT,
  HTTP_AUTHORITY,
  unknownTenant,
  MALFORMED_TENANT_MESSAGE,
  HTTP_AUTHORITY_MESSAGE,
  cert,
  malformedPem,
  type Kit,
  type Row,
} from '../../support/badInput.js';

/** The environment of a secret configuration, with `overrides` applied (`undefined` removes). */
function environment(
  k: Kit,
  overrides: Record<string, string | undefined>,
): Record<string, string> {
  const all: Record<string, string | undefined> = {
    AZURE_TENANT_ID: k.em.tenantId,
    AZURE_CLIENT_ID: SECRET_APP,
    AZURE_CLIENT_SECRET: SECRET,
    AZURE_AUTHORITY_HOST: k.em.url,
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

const environmentCredential = (k: Kit, overrides: Record<string, string | undefined>) =>
  new EnvironmentCredential({ ...k.base, env: environment(k, overrides) });

/** A certificate configuration of the certificate app. */
const certificateEnvironment = (path: string, password?: string) => ({
  AZURE_CLIENT_ID: CERT_APP,
  AZURE_CLIENT_SECRET: undefined,
  AZURE_CLIENT_CERTIFICATE_PATH: path,
  AZURE_CLIENT_CERTIFICATE_PASSWORD: password,
});

export const environmentRows: Row[] = [
  {
    name: 'no variables',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'getToken',
    scenario: (k) => ({ make: () => new EnvironmentCredential(k.base) }),
  },
  {
    name: 'no AZURE_CLIENT_SECRET nor certificate path',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'getToken',
    scenario: (k) => ({ make: () => environmentCredential(k, { AZURE_CLIENT_SECRET: undefined }) }),
  },
  {
    name: 'no AZURE_TENANT_ID',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'getToken',
    scenario: (k) => ({
      make: () => environmentCredential(k, { AZURE_TENANT_ID: undefined }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a malformed AZURE_TENANT_ID',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: MALFORMED_TENANT_MESSAGE,
    scenario: (k) => ({
      make: () => environmentCredential(k, { AZURE_TENANT_ID: MALFORMED_TENANT }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a non-https AZURE_AUTHORITY_HOST',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: HTTP_AUTHORITY_MESSAGE,
    scenario: (k) => ({
      make: () => environmentCredential(k, { AZURE_AUTHORITY_HOST: HTTP_AUTHORITY }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a tenant the authority does not know',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: unknownTenant,
    scenario: (k) => ({
      make: () => environmentCredential(k, { AZURE_TENANT_ID: UNKNOWN_TENANT }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a wrong AZURE_CLIENT_SECRET',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: { error: 'invalid_client', errorCodes: [7000215] },
    scenario: (k) => ({
      make: () => environmentCredential(k, { AZURE_CLIENT_SECRET: WRONG_SECRET }),
      secrets: [SECRET, WRONG_SECRET],
    }),
  },
  {
    name: 'a malformed PEM at AZURE_CLIENT_CERTIFICATE_PATH',
    code: 'ERR_INVALID_CERTIFICATE',
    failsAt: 'getToken',
    scenario: (k) => ({
      make: () =>
        environmentCredential(k, certificateEnvironment(k.file('env-bad.pem', malformedPem()))),
    }),
  },
  {
    name: 'a wrong AZURE_CLIENT_CERTIFICATE_PASSWORD',
    code: 'ERR_INVALID_CERTIFICATE',
    failsAt: 'getToken',
    scenario: (k) => ({
      make: () =>
        environmentCredential(
          k,
          certificateEnvironment(k.file('env.pfx', cert.pfx(PFX_PASSWORD)), WRONG_PASSWORD),
        ),
      secrets: [PFX_PASSWORD, WRONG_PASSWORD],
    }),
  },
];
