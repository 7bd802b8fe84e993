// HTTPS helpers for the emulator tests: real requests over 127.0.0.1, trusting the emulator's CA.
import { request } from 'node:https';
import type { Agent } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { EMULATOR_TENANT_ID } from '../../../src/emulator/index.js';
import type { Emulator } from '../../../src/emulator/index.js';

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  agent?: Agent;
}

export const CLIENT_ID = '2b3c4d5e-0000-4000-8000-0000000000a1';
export const CLIENT_SECRET = 's3cr3t~value.Emul8tor';
export const STORAGE_SCOPE = 'https://storage.azure.com/.default';

/** Sends one HTTPS request to the emulator and reads the whole response. */
export function send(
  emulator: Pick<Emulator, 'url' | 'ca'>,
  path: string,
  options: RequestOptions = {},
): Promise<HttpResult> {
  const url = new URL(path, emulator.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        ca: emulator.ca,
        agent: options.agent,
      },
      (res) => {
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
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** GET `path`. */
export function get(
  emulator: Pick<Emulator, 'url' | 'ca'>,
  path: string,
  headers?: Record<string, string>,
): Promise<HttpResult> {
  return send(emulator, path, { headers });
}

/** POSTs a url-encoded form to `path`. */
export function postForm(
  emulator: Pick<Emulator, 'url' | 'ca'>,
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return send(emulator, path, {
    method: 'POST',
    body: new URLSearchParams(form).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** The token endpoint path of `tenant`. */
export function tokenPath(tenant: string = EMULATOR_TENANT_ID): string {
  return `/${tenant}/oauth2/v2.0/token`;
}

/** A client credentials form for the test app. */
export function clientCredentialsForm(
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    scope: STORAGE_SCOPE,
    ...overrides,
  };
}

/** Parses a JSON body as a record. */
export function json(result: HttpResult): Record<string, unknown> {
  return JSON.parse(result.text) as Record<string, unknown>;
}
