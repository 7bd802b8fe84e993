import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

/** A client certificate made for a test, in every form the credentials accept. */
export interface TestCertificate {
  certPem: string;
  keyPem: string;
  /** Key and certificate in one PEM, as `ClientCertificateCredential` reads it. */
  combinedPem: string;
  /** PKCS#12 bytes protected with `password` (empty string for none). */
  pfx(password: string): Buffer;
  /** The key encrypted with `password` as PKCS#8 PEM, followed by the certificate. */
  encryptedPem(password: string): string;
}

/** Makes a self-signed RSA client certificate valid from `notBefore` to `notAfter`. */
export function makeClientCertificate(
  subject = 'reactive-identity test client',
  notBefore = new Date(Date.now() - 3_600_000),
  notAfter = new Date(Date.now() + 30 * 86_400_000),
): TestCertificate {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  cert.serialNumber = '0' + forge.util.bytesToHex(forge.random.getBytesSync(8));
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const attrs = [{ name: 'commonName', value: subject }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forgeKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return {
    certPem,
    keyPem,
    combinedPem: `${keyPem}${certPem}`,
    pfx: (password) => {
      const asn1 = forge.pkcs12.toPkcs12Asn1(forgeKey, [cert], password, { algorithm: '3des' });
      return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
    },
    encryptedPem: (password) =>
      privateKey
        .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password })
        .toString() + certPem,
  };
}
