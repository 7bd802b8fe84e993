/**
 * ClientCertificateCredential with bad input, a row each: where it fails (construction or
 * getToken) and with what; ./badInput.test.ts runs the table with test/support/badInput.ts.
 */
import { ClientCertificateCredential } from '../../../src/index.js';
import {
  PFX_PASSWORD,
  WRONG_PASSWORD,
  CERT_APP,
  UNKNOWN_TENANT,
  MALFORMED_TENANT,
  HTTP_AUTHORITY,
  unknownTenant,
  requiredParameter,
  MALFORMED_TENANT_MESSAGE,
  HTTP_AUTHORITY_MESSAGE,
  cert,
  malformedPem,
  type Kit,
  type Row,
} from '../../support/badInput.js';

const required = requiredParameter('ClientCertificateCredential');

const certificateCredential = (
  k: Kit,
  certificate: ConstructorParameters<typeof ClientCertificateCredential>[2],
  tenant = k.em.tenantId,
  options: object = k.options,
): ClientCertificateCredential =>
  new ClientCertificateCredential(tenant, CERT_APP, certificate, options);

export const clientCertificateRows: Row[] = [
  {
    name: 'a missing certificate',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'construction',
    message: required('certificate'),
    scenario: (k) => ({
      make: () => certificateCredential(k, undefined as unknown as string),
    }),
  },
  {
    name: 'both certificate and certificatePath',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: /provide exactly one of "certificate" \(PEM text\) or "certificatePath"/,
    scenario: (k) => ({
      make: () =>
        certificateCredential(k, {
          certificate: cert.combinedPem,
          certificatePath: k.file('both.pem', cert.combinedPem),
        } as unknown as { certificate: string }),
    }),
  },
  {
    name: 'a malformed tenant id',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: MALFORMED_TENANT_MESSAGE,
    scenario: (k) => ({
      make: () => certificateCredential(k, { certificate: cert.combinedPem }, MALFORMED_TENANT),
    }),
  },
  {
    name: 'a non-https authority host',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: HTTP_AUTHORITY_MESSAGE,
    scenario: (k) => ({
      make: () =>
        certificateCredential(k, { certificate: cert.combinedPem }, k.em.tenantId, {
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
    scenario: (k) => ({
      make: () => certificateCredential(k, { certificate: cert.combinedPem }, UNKNOWN_TENANT),
    }),
  },
  {
    name: 'a malformed PEM',
    code: 'ERR_INVALID_CERTIFICATE',
    failsAt: 'getToken',
    scenario: (k) => ({ make: () => certificateCredential(k, { certificate: malformedPem() }) }),
  },
  {
    name: 'a malformed PEM file',
    code: 'ERR_INVALID_CERTIFICATE',
    failsAt: 'getToken',
    scenario: (k) => ({ make: () => certificateCredential(k, k.file('bad.pem', malformedPem())) }),
  },
  {
    name: 'a wrong PKCS#12 password',
    code: 'ERR_INVALID_CERTIFICATE',
    failsAt: 'getToken',
    scenario: (k) => ({
      make: () =>
        certificateCredential(k, {
          certificatePath: k.file('cert.pfx', cert.pfx(PFX_PASSWORD)),
          certificatePassword: WRONG_PASSWORD,
        }),
      secrets: [PFX_PASSWORD, WRONG_PASSWORD],
    }),
  },
  {
    name: 'a wrong password for an encrypted PEM key',
    code: 'ERR_INVALID_CERTIFICATE',
    failsAt: 'getToken',
    scenario: (k) => ({
      make: () =>
        certificateCredential(k, {
          certificate: cert.encryptedPem(PFX_PASSWORD),
          certificatePassword: WRONG_PASSWORD,
        }),
      secrets: [PFX_PASSWORD, WRONG_PASSWORD],
    }),
  },
  {
    name: 'a certificate whose key is missing',
    code: 'ERR_INVALID_CERTIFICATE',
    failsAt: 'getToken',
    scenario: (k) => ({ make: () => certificateCredential(k, { certificate: cert.certPem }) }),
  },
  {
    name: 'a certificate file that does not exist',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'getToken',
    scenario: (k) => ({ make: () => certificateCredential(k, k.missing('missing.pem')) }),
  },
];
