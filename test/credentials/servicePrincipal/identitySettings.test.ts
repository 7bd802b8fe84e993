/**
 * Instances with one identity share one stream and the first attached acquires for all of them:
 * service principal credentials that differ in a setting that changes what an acquisition does
 * must not share, and identical (or equivalent) ones still share one token request.
 */
import { decodeJwt } from 'jose';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  OnBehalfOfCredential,
  type ClientSecretCredentialOptions,
  type TokenManager,
} from '../../../src/index.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { makeClientCertificate, type TestCertificate } from '../../support/certificates.js';
import { TokenManagers } from '../../support/tokenManagers.js';

const SECRET_APP = '5ec5ec5e-0000-4000-8000-00000000005f';
const SECRET = 'identity-settings-secret~canary';
const OTHER = '0ddba11c-0000-4000-8000-0000000000d3';
const THIRD = '0ddba11c-0000-4000-8000-0000000000d4';
const STORAGE = 'https://storage.azure.com/.default';

let em: Emulator;
let cert: TestCertificate;
const managers = new TokenManagers();
let manager: TokenManager;

beforeAll(async () => {
  cert = makeClientCertificate('identity settings');
  em = await startEmulator();
  for (const tenantId of [em.tenantId, OTHER]) {
    em.registerApp({ clientId: SECRET_APP, tenantId, clientSecret: SECRET });
  }
});
beforeEach(() => {
  manager = managers.create();
});
afterEach(async () => {
  await managers.closeAll();
});
afterAll(async () => {
  await em.stop();
});

const secretCredential = (extra: ClientSecretCredentialOptions = {}) =>
  new ClientSecretCredential(em.tenantId, SECRET_APP, SECRET, {
    authorityHost: em.url,
    tlsOptions: { ca: em.ca },
    env: {},
    tokenManager: manager,
    ...extra,
  });

describe('ClientSecretCredential instances that differ in their tenant rule', () => {
  it('an instance whose environment disables multi-tenant auth does not decide for another', async () => {
    const single = secretCredential({
      additionallyAllowedTenants: ['*'],
      env: { AZURE_IDENTITY_DISABLE_MULTITENANTAUTH: 'true' },
    });
    const multi = secretCredential({ additionallyAllowedTenants: ['*'] });
    expect(decodeJwt((await multi.getToken(STORAGE, { tenantId: OTHER })).token).tid).toBe(OTHER);
    expect(decodeJwt((await single.getToken(STORAGE, { tenantId: OTHER })).token).tid).toBe(
      em.tenantId,
    );
  });

  it('instances whose allowed tenants are equal in another order share one token request', async () => {
    const a = secretCredential({ additionallyAllowedTenants: [OTHER, THIRD] });
    const b = secretCredential({ additionallyAllowedTenants: [THIRD, OTHER, OTHER] });
    const before = em.counters.get('token');
    const [ta, tb] = await Promise.all([a.getToken(STORAGE), b.getToken(STORAGE)]);
    expect(tb.token).toBe(ta.token);
    expect(em.counters.get('token') - before).toBe(1);
  });
});

describe('certificate credentials that differ in sendCertificateChain', () => {
  it('ClientCertificateCredential keeps instances with and without the chain apart', () => {
    const make = (sendCertificateChain: boolean) =>
      new ClientCertificateCredential(
        em.tenantId,
        SECRET_APP,
        { certificate: cert.combinedPem },
        { tokenManager: manager, env: {}, sendCertificateChain },
      );
    expect(make(true).identityId).not.toBe(make(false).identityId);
    expect(make(true).identityId).toBe(make(true).identityId);
  });

  it('OnBehalfOfCredential keeps instances with and without the chain apart', () => {
    const make = (sendCertificateChain: boolean) =>
      new OnBehalfOfCredential({
        tenantId: em.tenantId,
        clientId: SECRET_APP,
        certificatePath: '/nonexistent/identity-settings.pem',
        userAssertionToken: 'user-assertion',
        sendCertificateChain,
        tokenManager: manager,
        env: {},
      });
    expect(make(true).identityId).not.toBe(make(false).identityId);
    expect(make(false).identityId).toBe(make(false).identityId);
  });
});
