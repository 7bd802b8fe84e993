import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import {
  certificateThumbprints,
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
} from '../../src/emulator/index.js';
import { get } from './support/helpers.js';

describe('certificates', () => {
  it('creates a CA that can sign certificates', async () => {
    const ca = await createCertificateAuthority({ commonName: 'test CA' });
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe('CN=test CA');
    // Node's X509Certificate does not read the keyUsage bits; forge does.
    expect(forge.pki.certificateFromPem(ca.certPem).getExtension('keyUsage')).toMatchObject({
      critical: true,
      keyCertSign: true,
    });
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(cert.checkIssued(cert)).toBe(true);
  });

  it('issues a server certificate for the given SANs, valid from before now', async () => {
    const ca = await createCertificateAuthority();
    const leaf = await issueServerCertificate(ca, {
      ipAddresses: ['127.0.0.1'],
      dnsNames: ['localhost'],
    });
    const cert = new X509Certificate(leaf.certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // extended key usage: serverAuth
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(new Date(cert.validFrom).getTime()).toBeLessThan(Date.now());
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(leaf.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('serves TLS that a client trusting only the CA accepts', async () => {
    const ca = await createCertificateAuthority();
    const leaf = await issueServerCertificate(ca, { ipAddresses: ['127.0.0.1'] });
    const server = createServer({ key: leaf.keyPem, cert: leaf.certPem }, (_req, res) =>
      res.end('ok'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await get({ url: `https://127.0.0.1:${port}`, ca: ca.certPem }, '/');
      expect(result.text).toBe('ok');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('issues a self-signed client certificate and computes its thumbprints', async () => {
    const pair = await issueClientCertificate(undefined, { commonName: 'my app' });
    const cert = new X509Certificate(pair.certPem);
    expect(cert.subject).toBe('CN=my app');
    expect(cert.ca).toBe(false);
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // extended key usage: clientAuth
    const thumbprints = certificateThumbprints(pair.certPem);
    const hex = (fingerprint: string) => fingerprint.replace(/:/g, '');
    expect(thumbprints.sha1).toBe(hex(cert.fingerprint));
    expect(thumbprints.x5t).toBe(Buffer.from(hex(cert.fingerprint), 'hex').toString('base64url'));
    expect(thumbprints.x5tS256).toBe(
      Buffer.from(hex(cert.fingerprint256), 'hex').toString('base64url'),
    );
  });

  it('names the issuer as the CA encodes its subject, and identifies the CA key', async () => {
    const ca = await createCertificateAuthority({ commonName: 'Zoë, test CA' });
    const caCert = new X509Certificate(ca.certPem);
    expect(ca.subject).toBe(caCert.subject);
    const client = new X509Certificate(
      (await issueClientCertificate(ca, { commonName: 'José_client' })).certPem,
    );
    expect(client.subject).toBe('CN=José_client');
    expect(client.issuer).toBe(caCert.subject);
    expect(client.checkIssued(caCert)).toBe(true);
    expect(client.verify(caCert.publicKey)).toBe(true);
    const server = await issueServerCertificate(ca, { dnsNames: ['localhost'] });
    expect(new X509Certificate(server.certPem).checkIssued(caCert)).toBe(true);
    const ski = forge.pki.certificateFromPem(ca.certPem).getExtension('subjectKeyIdentifier') as {
      subjectKeyIdentifier: string;
    };
    const aki = forge.pki
      .certificateFromPem(server.certPem)
      .getExtension('authorityKeyIdentifier') as { value: string };
    // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] }, DER 30 16 80 14 <the 20-byte id>
    expect(forge.util.bytesToHex(aki.value)).toBe(`30168014${ski.subjectKeyIdentifier}`);
  });

  it('leaves the global Reflect alone (no reflect-metadata)', async () => {
    await createCertificateAuthority();
    expect('getMetadata' in Reflect).toBe(false);
  });

  it('issues a client certificate signed by a CA', async () => {
    const ca = await createCertificateAuthority();
    const pair = await issueClientCertificate(ca);
    const cert = new X509Certificate(pair.certPem);
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(pair.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});
