import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type Forge from 'node-forge';
import {
  CertificateError,
  CredentialUnavailableError,
  InvalidArgumentError,
} from '../../errors.js';

/** Where a client certificate comes from, as `@azure/identity` takes it. */
export type ClientCertificateSource =
  | { certificatePath: string; certificatePassword?: string }
  | { certificate: string; certificatePassword?: string };

/** A certificate ready for MSAL: key as PKCS#8 PEM, thumbprints as hex, chain as PEM. */
export interface LoadedCertificate {
  privateKey: string;
  thumbprintSha256: string;
  thumbprintSha1: string;
  /** The chain in file order, leaf first, PEM. */
  x5c: string;
  notAfter: Date;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK =
  /-----BEGIN (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----[A-Za-z0-9+/=\s:,-]+?-----END (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----/;

/** Checks a source is one of the accepted shapes; throws `InvalidArgumentError` otherwise. */
export function checkCertificateSource(source: unknown, kind: string): ClientCertificateSource {
  if (typeof source === 'string') return { certificatePath: source };
  const value = (source ?? {}) as { certificate?: unknown; certificatePath?: unknown };
  const hasPem = typeof value.certificate === 'string' && value.certificate !== '';
  const hasPath = typeof value.certificatePath === 'string' && value.certificatePath !== '';
  if (hasPem === hasPath) {
    throw new InvalidArgumentError(
      `${kind}: provide exactly one of "certificate" (PEM text) or "certificatePath" (a PEM or PKCS#12 file).`,
    );
  }
  return source as ClientCertificateSource;
}

/**
 * Reads and validates a client certificate (PEM with its key, or PKCS#12 with or without a
 * password). Errors name the file, never the content. Read again on every call, so a rotated file
 * is picked up.
 */
export async function loadClientCertificate(
  source: ClientCertificateSource,
  now: Date,
): Promise<LoadedCertificate> {
  const origin =
    'certificatePath' in source
      ? `the certificate file ${source.certificatePath}`
      : 'the PEM certificate';
  const content =
    'certificatePath' in source
      ? await readSource(source.certificatePath)
      : Buffer.from(source.certificate);
  const text = content.toString('utf8');
  const parts = text.includes('-----BEGIN')
    ? fromPem(text, source.certificatePassword, origin)
    : await fromPkcs12(content, source.certificatePassword, origin);
  return validate(parts, now, origin);
}

async function readSource(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CredentialUnavailableError(`The certificate file ${path} cannot be read (${code}).`, {
      cause: error,
    });
  }
}

interface Parts {
  certificates: string[];
  key: KeyObject;
}

function fromPem(text: string, password: string | undefined, origin: string): Parts {
  const certificates = text.match(CERT_BLOCK) ?? [];
  const keyPem = text.match(KEY_BLOCK)?.[0];
  if (certificates.length === 0)
    throw new CertificateError(`${origin} holds no CERTIFICATE block.`);
  if (keyPem === undefined)
    throw new CertificateError(
      `${origin} holds no private key; the PEM must contain the key and the certificate.`,
    );
  try {
    return { certificates, key: createPrivateKey({ key: keyPem, passphrase: password ?? '' }) };
  } catch {
    throw new CertificateError(
      `The private key in ${origin} cannot be read${password === undefined ? ' (is it encrypted? pass certificatePassword)' : ': wrong password or a malformed key'}.`,
    );
  }
}

/**
 * Node's crypto cannot open a PKCS#12 file (only TLS contexts take one, without exposing what is
 * inside), so node-forge unwraps the bags; the key and certificates it finds are then handled
 * natively. Loaded on first use, so a process whose credentials never read a PKCS#12 file never
 * loads node-forge.
 */
async function loadForge(): Promise<typeof Forge> {
  return (await import('node-forge')).default;
}

async function fromPkcs12(
  content: Buffer,
  password: string | undefined,
  origin: string,
): Promise<Parts> {
  const forge = await loadForge();
  let p12: Forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(
      forge.asn1.fromDer(content.toString('binary')),
      password ?? '',
    );
  } catch {
    throw new CertificateError(
      `${origin} is neither PEM nor a PKCS#12 file this password opens (wrong password?).`,
    );
  }
  const bags = (type: string) => p12.getBags({ bagType: type })[type] ?? [];
  const certificates = bags(forge.pki.oids.certBag!)
    .map((bag) => bag.cert)
    .filter((cert): cert is Forge.pki.Certificate => cert !== undefined)
    .map((cert) => forge.pki.certificateToPem(cert));
  const keyBag = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag!), ...bags(forge.pki.oids.keyBag!)][0];
  if (keyBag?.key === undefined) throw new CertificateError(`${origin} holds no private key.`);
  if (certificates.length === 0) throw new CertificateError(`${origin} holds no certificate.`);
  return { certificates, key: createPrivateKey(forge.pki.privateKeyToPem(keyBag.key)) };
}

function validate(parts: Parts, now: Date, origin: string): LoadedCertificate {
  const chain = parts.certificates.map((pem) => ({ pem, x509: parseCertificate(pem, origin) }));
  // The leaf is the certificate whose public key matches the private key.
  const leafIndex = chain.findIndex((c) => c.x509.checkPrivateKey(parts.key));
  if (leafIndex === -1)
    throw new CertificateError(
      `The private key in ${origin} does not match any of its certificates.`,
    );
  const leaf = chain[leafIndex]!.x509;
  const notBefore = new Date(leaf.validFrom);
  const notAfter = new Date(leaf.validTo);
  if (notAfter <= now)
    throw new CertificateError(
      `The certificate in ${origin} expired on ${notAfter.toISOString()}.`,
    );
  if (notBefore > now)
    throw new CertificateError(
      `The certificate in ${origin} is not valid before ${notBefore.toISOString()}.`,
    );
  const ordered = [chain[leafIndex]!, ...chain.filter((_, i) => i !== leafIndex)];
  return {
    privateKey: parts.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    thumbprintSha256: leaf.fingerprint256.replace(/:/g, ''),
    thumbprintSha1: leaf.fingerprint.replace(/:/g, ''),
    x5c: ordered.map((c) => c.pem.trim()).join('\n'),
    notAfter,
  };
}

function parseCertificate(pem: string, origin: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new CertificateError(
      `${origin} holds a CERTIFICATE block that is not a valid X.509 certificate.`,
    );
  }
}
