/**
 * Certificates for loopback HTTPS: a throw-away CA and server certificates it signs.
 *
 * @packageDocumentation
 */
import { X509Certificate, createHash, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CertificatePair } from './types.js';

x509.cryptoProvider.set(webcrypto);

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const RSA_ALGORITHM: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
};

/** A certificate authority: its certificate and private key, PEM. */
export interface CertificateAuthority extends CertificatePair {
  /** The CA's distinguished name, e.g. `CN=reactive-identity emulator CA`. */
  subject: string;
  /** When the CA certificate expires. */
  notAfter: Date;
}

/** What a server certificate is valid for. */
export interface ServerCertificateOptions {
  /** IP address SANs, e.g. `['127.0.0.1']`. */
  ipAddresses?: string[];
  /** DNS name SANs, e.g. `['localhost']`. */
  dnsNames?: string[];
  /** Days of validity from now, default 30 (valid from one hour ago). */
  validDays?: number;
}

/** Options of {@link createCertificateAuthority}. */
export interface CertificateAuthorityOptions {
  /** The CA's common name, default `reactive-identity emulator CA`. */
  commonName?: string;
  /** Days of validity from now, default 30 (valid from one hour ago). */
  validDays?: number;
}

/** Creates an RSA-2048 certificate authority (basicConstraints CA, keyCertSign). */
export async function createCertificateAuthority(
  options: CertificateAuthorityOptions = {},
): Promise<CertificateAuthority> {
  const keys = await generateRsaKeys();
  const name = `CN=${options.commonName ?? 'reactive-identity emulator CA'}`;
  const { notBefore, notAfter } = validity(options.validDays);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: RSA_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyPem = await exportPrivateKey(keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem, subject: cert.subject, notAfter };
}

/** Issues an RSA-2048 server certificate (serverAuth) for the given SANs, signed by `ca`. */
export async function issueServerCertificate(
  ca: CertificatePair,
  options: ServerCertificateOptions = {},
): Promise<CertificatePair> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importPrivateKey(ca.keyPem);
  const keys = await generateRsaKeys();
  const { notBefore, notAfter } = validity(options.validDays);
  const names = subjectAltNames(options);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${names[0]?.value ?? 'localhost'}`,
    issuer: caCert.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: RSA_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKey(keys.privateKey) };
}

/**
 * Creates a self-signed RSA-2048 server certificate (serverAuth) for the given SANs, as a Service
 * Fabric node presents: trusted by no CA, so clients pin it (by thumbprint, or as their only CA).
 */
export async function createSelfSignedServerCertificate(
  options: ServerCertificateOptions = {},
): Promise<CertificatePair> {
  const keys = await generateRsaKeys();
  const { notBefore, notAfter } = validity(options.validDays);
  const names = subjectAltNames(options);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${names[0]?.value ?? 'localhost'}`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: RSA_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKey(keys.privateKey) };
}

/** Options of {@link issueClientCertificate}. */
export interface ClientCertificateOptions {
  /** The subject's common name, default `reactive-identity emulator client`. */
  commonName?: string;
  /** Days of validity from now, default 30 (valid from one hour ago). */
  validDays?: number;
}

/**
 * Issues an RSA-2048 client certificate (digitalSignature, clientAuth) for signing client
 * assertions: signed by `ca`, or self-signed when `ca` is absent (as app registrations use).
 */
export async function issueClientCertificate(
  ca?: CertificatePair,
  options: ClientCertificateOptions = {},
): Promise<CertificatePair> {
  const keys = await generateRsaKeys();
  const subject = `CN=${options.commonName ?? 'reactive-identity emulator client'}`;
  const issuer = ca ? new x509.X509Certificate(ca.certPem) : undefined;
  const { notBefore, notAfter } = validity(options.validDays);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: issuer?.subject ?? subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca ? await importPrivateKey(ca.keyPem) : keys.privateKey,
    signingAlgorithm: RSA_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKey(keys.privateKey) };
}

/** A certificate's thumbprints, as Entra and the `x5t` / `x5t#S256` JWT headers give them. */
export interface CertificateThumbprints {
  /** SHA-1 of the DER, upper-case hex (the portal's "thumbprint"). */
  sha1: string;
  /** SHA-1 of the DER, base64url: the `x5t` header. */
  x5t: string;
  /** SHA-256 of the DER, base64url: the `x5t#S256` header. */
  x5tS256: string;
}

/** The thumbprints of the first certificate in `certPem`. */
export function certificateThumbprints(certPem: string): CertificateThumbprints {
  const der = new X509Certificate(certPem).raw;
  const sha1 = createHash('sha1').update(der).digest();
  return {
    sha1: sha1.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
  };
}

function subjectAltNames(options: ServerCertificateOptions): x509.JsonGeneralName[] {
  const ips = (options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value }));
  const dns = (options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value }));
  return [...dns, ...ips];
}

function validity(days = 30): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - HOUR_MS), notAfter: new Date(now + days * DAY_MS) };
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive INTEGER
  return Buffer.from(bytes).toString('hex');
}

async function generateRsaKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(RSA_ALGORITHM, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

async function exportPrivateKey(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const [der] = x509.PemConverter.decode(pem);
  if (!der) throw new Error('The CA private key is not a PEM PKCS#8 key.');
  return webcrypto.subtle.importKey('pkcs8', der, RSA_ALGORITHM, false, ['sign']);
}
