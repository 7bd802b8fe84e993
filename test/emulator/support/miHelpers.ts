// Helpers for the managed identity tests: plain HTTP, and HTTPS pinned to Service Fabric's cert.
import { X509Certificate, createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PeerCertificate } from 'node:tls';
import type { HttpResult } from './helpers.js';

export const STORAGE = 'https://storage.azure.com/';

export interface MiRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** HTTPS only: the certificate to trust (Service Fabric's self-signed one). */
  ca?: string;
  /** HTTPS only: the SHA-1 thumbprint (upper-case hex) the server's certificate must have. */
  thumbprint?: string;
}

/** Sends one request to `url` (http: or https:) and reads the whole response. */
export function call(url: string, options: MiRequest = {}): Promise<HttpResult> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const common = { method: options.method ?? 'GET', headers: options.headers };
    const onResponse = (res: import('node:http').IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    };
    const req = secure
      ? httpsRequest(target, { ...common, ...pinned(options) }, onResponse)
      : httpRequest(target, common, onResponse);
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * TLS options that trust `ca` and accept only a certificate with `thumbprint`. (With
 * `rejectUnauthorized: false` Node skips `checkServerIdentity` for an untrusted certificate, so
 * pinning a self-signed certificate needs it as `ca`; and a resumed TLS session skips it too,
 * hence no shared agent.)
 */
function pinned(options: MiRequest): object {
  return {
    agent: false,
    ca: options.ca,
    checkServerIdentity: (_host: string, cert: PeerCertificate) => {
      const actual = createHash('sha1').update(cert.raw).digest('hex').toUpperCase();
      return actual === options.thumbprint
        ? undefined
        : new Error(`Thumbprint mismatch: ${actual}`);
    },
  };
}

/** A URL with query parameters appended. */
export function withQuery(url: string, query: Record<string, string>): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
  return target.toString();
}

/** The SHA-1 thumbprint (upper-case hex) of a PEM certificate. */
export function sha1Thumbprint(pem: string): string {
  return createHash('sha1').update(new X509Certificate(pem).raw).digest('hex').toUpperCase();
}
