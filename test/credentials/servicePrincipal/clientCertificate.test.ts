import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkCertificateSource,
  loadClientCertificate,
} from '../../../src/credentials/servicePrincipal/clientCertificate.js';
import { makeClientCertificate, type TestCertificate } from '../../support/certificates.js';

const PASSWORD = 'pfx-password-canary';
let dir: string;
let cert: TestCertificate;
let other: TestCertificate;
const now = new Date();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ri-cert-'));
  cert = makeClientCertificate();
  other = makeClientCertificate('another');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('loadClientCertificate', () => {
  it.each([
    [
      'a PEM file with key and certificate',
      () => ({ certificatePath: file('a.pem', cert.combinedPem) }),
    ],
    ['PEM text', () => ({ certificate: cert.combinedPem })],
    [
      'a PKCS#12 file with a password',
      () => ({ certificatePath: file('a.pfx', cert.pfx(PASSWORD)), certificatePassword: PASSWORD }),
    ],
    ['a PKCS#12 file without a password', () => ({ certificatePath: file('b.pfx', cert.pfx('')) })],
    [
      'an encrypted PEM key with its password',
      () => ({ certificate: cert.encryptedPem(PASSWORD), certificatePassword: PASSWORD }),
    ],
  ])('reads %s, with the SHA-256 thumbprint of the certificate', async (_name, source) => {
    const loaded = await loadClientCertificate(source(), now);
    const expected = new X509Certificate(cert.certPem).fingerprint256.replace(/:/g, '');
    expect(loaded.thumbprintSha256).toBe(expected);
    expect(loaded.privateKey).toContain('-----BEGIN PRIVATE KEY-----');
    expect(loaded.x5c).toContain('-----BEGIN CERTIFICATE-----');
  });

  it.each([
    [
      'a file that does not exist',
      () => ({ certificatePath: join(dir, 'missing.pem') }),
      'ERR_CREDENTIAL_UNAVAILABLE',
      /missing\.pem cannot be read/,
    ],
    [
      'a certificate without its key',
      () => ({ certificatePath: file('nokey.pem', cert.certPem) }),
      'ERR_INVALID_CERTIFICATE',
      /no private key/,
    ],
    [
      'a key without a certificate',
      () => ({ certificatePath: file('nocert.pem', cert.keyPem) }),
      'ERR_INVALID_CERTIFICATE',
      /no CERTIFICATE/,
    ],
    [
      'a key that does not match the certificate',
      () => ({ certificate: `${other.keyPem}${cert.certPem}` }),
      'ERR_INVALID_CERTIFICATE',
      /does not match/,
    ],
    [
      'a wrong PKCS#12 password',
      () => ({ certificatePath: file('w.pfx', cert.pfx(PASSWORD)), certificatePassword: 'wrong' }),
      'ERR_INVALID_CERTIFICATE',
      /wrong password/,
    ],
    [
      'an encrypted key without a password',
      () => ({ certificate: cert.encryptedPem(PASSWORD) }),
      'ERR_INVALID_CERTIFICATE',
      /encrypted/,
    ],
    [
      'garbage',
      () => ({ certificatePath: file('garbage.pem', 'not a certificate at all') }),
      'ERR_INVALID_CERTIFICATE',
      /neither PEM nor/,
    ],
    [
      'an expired certificate',
      () => ({
        certificate: makeClientCertificate(
          'old',
          new Date(Date.now() - 10 * 86_400_000),
          new Date(Date.now() - 86_400_000),
        ).combinedPem,
      }),
      'ERR_INVALID_CERTIFICATE',
      /expired on/,
    ],
  ])(
    'refuses %s with a typed error that never quotes the content',
    async (_name, source, code, message) => {
      const error = (await loadClientCertificate(source(), now).catch(
        (e: unknown) => e,
      )) as Error & { code: string };
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(error.message).not.toMatch(/BEGIN|PRIVATE|MII/);
      expect(error.message).not.toContain(PASSWORD);
    },
  );
});

describe('checkCertificateSource', () => {
  it.each([[{}], [{ certificate: 'a', certificatePath: 'b' }], [{ certificate: '' }]])(
    'refuses %j',
    (source) => {
      expect(() => checkCertificateSource(source, 'ClientCertificateCredential')).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    },
  );

  it('takes a bare string as a path', () => {
    expect(checkCertificateSource('/secrets/app.pem', 'X')).toEqual({
      certificatePath: '/secrets/app.pem',
    });
  });
});
