/**
 * Certificates for loopback HTTPS: a throw-away CA and server certificates it signs.
 *
 * Keys are made and used by node:crypto (generation and the RSA signature are native); node-forge
 * only lays out the X.509 structure, since Node can read certificates but not write them. It is
 * loaded on the first certificate made, not with the emulator.
 *
 * @packageDocumentation
 */
import {
  X509Certificate,
  createHash,
  createPrivateKey,
  generateKeyPair,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import type Forge from 'node-forge';
import type { CertificatePair } from './types.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

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
  const period = validity(options.validDays);
  const pair = await issue({
    commonName: options.commonName ?? 'reactive-identity emulator CA',
    period,
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { ...pair, subject: new X509Certificate(pair.certPem).subject, notAfter: period.notAfter };
}

/** Issues an RSA-2048 server certificate (serverAuth) for the given SANs, signed by `ca`. */
export async function issueServerCertificate(
  ca: CertificatePair,
  options: ServerCertificateOptions = {},
): Promise<CertificatePair> {
  const names = subjectAltNames(options);
  return issue({
    commonName: firstName(names),
    period: validity(options.validDays),
    ca,
    authorityKeyIdentifier: true,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names },
    ],
  });
}

/**
 * Creates a self-signed RSA-2048 server certificate (serverAuth) for the given SANs, as a Service
 * Fabric node presents: trusted by no CA, so clients pin it (by thumbprint, or as their only CA).
 */
export async function createSelfSignedServerCertificate(
  options: ServerCertificateOptions = {},
): Promise<CertificatePair> {
  const names = subjectAltNames(options);
  return issue({
    commonName: firstName(names),
    period: validity(options.validDays),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names },
    ],
  });
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
  return issue({
    commonName: options.commonName ?? 'reactive-identity emulator client',
    period: validity(options.validDays),
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
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

type ForgeModule = typeof Forge;

async function loadForge(): Promise<ForgeModule> {
  return (await import('node-forge')).default;
}

/** Off the main thread, as WebCrypto's: certificates made together are made in parallel. */
const generateKeyPairAsync = promisify(generateKeyPair);

interface CertificateSpec {
  commonName: string;
  period: { notBefore: Date; notAfter: Date };
  /** forge's extension descriptions; subjectKeyIdentifier is added after them. */
  extensions: object[];
  /** The signing CA; self-signed when absent. */
  ca?: CertificatePair;
  /** Adds authorityKeyIdentifier (the CA's key identifier) after subjectKeyIdentifier. */
  authorityKeyIdentifier?: boolean;
}

/** Makes a fresh RSA-2048 key and a v3 certificate for it. */
async function issue(spec: CertificateSpec): Promise<CertificatePair> {
  const forge = await loadForge();
  const issuer = spec.ca ? readIssuer(forge, spec.ca) : undefined;
  const keys = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(
    keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  );
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = spec.period.notBefore;
  cert.validity.notAfter = spec.period.notAfter;
  const name = commonName(forge, spec.commonName);
  cert.setSubject(name);
  if (!issuer) cert.setIssuer(name);
  const authority =
    issuer && spec.authorityKeyIdentifier
      ? [{ name: 'authorityKeyIdentifier', keyIdentifier: issuer.keyIdentifier }]
      : [];
  cert.setExtensions([...spec.extensions, { name: 'subjectKeyIdentifier' }, ...authority]);
  return {
    certPem: signCertificate(forge, cert, issuer?.key ?? keys.privateKey, issuer?.name),
    keyPem: pem(keys.privateKey.export({ type: 'pkcs8', format: 'der' }), 'PRIVATE KEY'),
  };
}

/** A one-attribute name, PrintableString when the value allows it, else UTF8String. */
function commonName(forge: ForgeModule, value: string): Forge.pki.CertificateField[] {
  const tag = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)
    ? forge.asn1.Type.PRINTABLESTRING
    : forge.asn1.Type.UTF8;
  // @types/node-forge types valueTagClass as a tag class; forge reads it as the value's type.
  return [{ name: 'commonName', value, valueTagClass: tag as unknown as Forge.asn1.Class }];
}

interface Issuer {
  key: KeyObject;
  /** The CA certificate's subject, as it is encoded there (copied byte for byte). */
  name: Forge.asn1.Asn1;
  /** The CA's key identifier (its subjectKeyIdentifier, else SHA-1 of its public key), binary. */
  keyIdentifier: string;
}

function readIssuer(forge: ForgeModule, ca: CertificatePair): Issuer {
  let key: KeyObject | undefined;
  try {
    key = createPrivateKey(ca.keyPem);
  } catch {
    // reported below
  }
  if (key?.asymmetricKeyType !== 'rsa')
    throw new Error('The CA key is not an RSA private key PEM.');
  const x509 = new X509Certificate(ca.certPem);
  const asn1 = forge.asn1.fromDer(x509.raw.toString('binary'));
  const tbs = (asn1.value as Forge.asn1.Asn1[])[0]!.value as Forge.asn1.Asn1[];
  // TBSCertificate: [0] version (absent for v1), serialNumber, signature, issuer, validity, subject.
  const name = tbs[tbs[0]!.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 5 : 4]!;
  const ski = forge.pki.certificateFromAsn1(asn1).getExtension('subjectKeyIdentifier') as
    { subjectKeyIdentifier?: string } | undefined;
  const keyIdentifier =
    ski?.subjectKeyIdentifier !== undefined
      ? forge.util.hexToBytes(ski.subjectKeyIdentifier)
      : createHash('sha1')
          .update(x509.publicKey.export({ type: 'pkcs1', format: 'der' }))
          .digest('binary');
  return { key, name, keyIdentifier };
}

/**
 * Signs `cert` sha256WithRSAEncryption and returns its PEM. forge lays out the TBSCertificate;
 * node:crypto signs it (forge's RSA is plain JavaScript, a hundred times slower). `issuer`, when
 * given, replaces the issuer name forge would encode, so it matches the CA's subject exactly.
 */
function signCertificate(
  forge: ForgeModule,
  cert: Forge.pki.Certificate,
  key: KeyObject,
  issuer?: Forge.asn1.Asn1,
): string {
  const pki = forge.pki as typeof forge.pki & {
    getTBSCertificate(cert: Forge.pki.Certificate): Forge.asn1.Asn1;
  };
  cert.signatureOid = cert.siginfo.algorithmOid = pki.oids.sha256WithRSAEncryption!;
  const tbs = pki.getTBSCertificate(cert);
  // TBSCertificate: version, serialNumber, signature, issuer, ...
  if (issuer) (tbs.value as Forge.asn1.Asn1[])[3] = issuer;
  cert.tbsCertificate = tbs;
  cert.signature = sign('sha256', derOf(forge, tbs), key).toString('binary');
  return pem(derOf(forge, pki.certificateToAsn1(cert)), 'CERTIFICATE');
}

function derOf(forge: ForgeModule, value: Forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(value).getBytes(), 'binary');
}

/** PEM with 64-character lines and no final newline. */
function pem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----`;
}

/** GeneralName tags: dNSName is 2, iPAddress 7. */
type AltName = { type: 2; value: string } | { type: 7; ip: string };

function subjectAltNames(options: ServerCertificateOptions): AltName[] {
  const dns = (options.dnsNames ?? []).map((value) => ({ type: 2 as const, value }));
  const ips = (options.ipAddresses ?? []).map((ip) => ({ type: 7 as const, ip }));
  return [...dns, ...ips];
}

function firstName([first]: AltName[]): string {
  return first === undefined ? 'localhost' : first.type === 2 ? first.value : first.ip;
}

function validity(days = 30): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - HOUR_MS), notAfter: new Date(now + days * DAY_MS) };
}

/** 16 random bytes whose first is in 0x40–0x7f: a positive INTEGER, minimally encoded. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = 0x40 | (bytes[0]! & 0x3f);
  return bytes.toString('hex');
}
