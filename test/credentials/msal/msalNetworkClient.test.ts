/**
 * MSAL's network module against a scripted HTTPS server on 127.0.0.1: what reaches MSAL as a
 * response, what is thrown (carried through MSAL as one of our typed errors), and how device code
 * polling answers are turned into waits on an injected clock.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthError } from '@azure/msal-node';
import type { AuthenticationError, IdentityError } from '../../../src/index.js';
import {
  carriedError,
  MsalNetworkClient,
  type NetworkClientOptions,
} from '../../../src/credentials/msal/networkClient.js';
import {
  createCertificateAuthority,
  issueServerCertificate,
  type CertificateAuthority,
} from '../../../src/emulator/index.js';
import { until } from '../../support/until.js';
import { VirtualClock } from '../../support/virtualClock.js';

// Shaped like a JWT so that redaction has something to find; it must never be repeated.
const FAKE_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ';
const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** How the server answers one request. */
type Reply = (res: ServerResponse, req: IncomingMessage) => void;

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

const text =
  (status: number, body: string | Buffer): Reply =>
  (res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  };

let ca: CertificateAuthority;
let server: Server;
let base: string;
const replies: Reply[] = [];
const received: { method: string; path: string; body: string }[] = [];
const clients: MsalNetworkClient[] = [];

beforeAll(async () => {
  ca = await createCertificateAuthority();
  const { certPem, keyPem } = await issueServerCertificate(ca, { ipAddresses: ['127.0.0.1'] });
  server = createServer({ cert: certPem, key: keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
      });
      (replies.shift() ?? json(500, { error: 'unscripted' }))(res, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  replies.length = 0;
  received.length = 0;
});

afterAll(async () => {
  for (const client of clients) client.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A client that trusts the test CA; closed at the end of the file. */
function client(options: NetworkClientOptions = {}): MsalNetworkClient {
  const created = new MsalNetworkClient({ ca: ca.certPem, ...options });
  clients.push(created);
  return created;
}

const tokenUrl = () => `${base}/contoso/oauth2/v2.0/token`;

/** A token request, as MSAL posts it. */
function postToken(network: MsalNetworkClient, body = 'grant_type=client_credentials') {
  return network.sendPostRequestAsync<Record<string, unknown>>(tokenUrl(), {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

/** A device code poll for `abc`. */
function poll(network: MsalNetworkClient) {
  return postToken(network, `grant_type=${encodeURIComponent(DEVICE_CODE_GRANT)}&device_code=abc`);
}

/** What `promise` rejected with: the MSAL carrier and the typed error it holds. */
async function rejection(
  promise: Promise<unknown>,
): Promise<{ thrown: unknown; carried: IdentityError | undefined }> {
  const thrown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  return { thrown, carried: carriedError(thrown) };
}

/** Tracks whether a promise has settled, for assertions at points of virtual time. */
function track<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let settled = false;
  const tracked = promise.finally(() => {
    settled = true;
  });
  return { settled: () => settled, promise: tracked };
}

describe('MsalNetworkClient', () => {
  it('normalises a numeric-string expires_in (and refresh_in) to numbers', async () => {
    replies.push(
      json(200, {
        token_type: 'Bearer',
        access_token: 'at-1',
        expires_in: '3599',
        refresh_in: '1800',
      }),
    );
    const response = await postToken(client());
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      access_token: 'at-1',
      expires_in: 3599,
      refresh_in: 1800,
    });
  });

  it('rejects a 2xx token response without access_token with a carried InvalidResponseError', async () => {
    replies.push(json(200, { token_type: 'Bearer', expires_in: 3599 }));
    const { thrown, carried } = await rejection(postToken(client()));
    expect(thrown).toBeInstanceOf(AuthError);
    expect(carried).toMatchObject({ code: 'ERR_INVALID_RESPONSE', name: 'InvalidResponseError' });
    expect(carried?.message).toContain('access_token');
  });

  it('carries a 503 with Retry-After: 7 as a transient AuthenticationError of 7000 ms', async () => {
    replies.push(
      json(
        503,
        { error: 'temporarily_unavailable', error_description: 'busy' },
        { 'Retry-After': '7' },
      ),
    );
    const { carried } = await rejection(postToken(client()));
    expect(carried).toMatchObject({
      code: 'ERR_AUTHENTICATION_FAILED',
      statusCode: 503,
      transient: true,
      retryAfterMs: 7000,
    });
  });

  it('maps a 400 JSON error: error, description, codes, trace and correlation ids', async () => {
    replies.push(
      json(400, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret provided.',
        error_codes: [7000215],
        timestamp: '2026-01-01 00:00:00Z',
        trace_id: '0f0e0d0c-0000-4000-8000-000000000001',
        correlation_id: '0f0e0d0c-0000-4000-8000-000000000002',
      }),
    );
    const { carried } = await rejection(postToken(client()));
    expect(carried).toMatchObject({ code: 'ERR_AUTHENTICATION_FAILED', statusCode: 400 });
    expect((carried as AuthenticationError).transient).toBe(false);
    expect((carried as AuthenticationError).errorResponse).toEqual({
      error: 'invalid_client',
      errorDescription: 'AADSTS7000215: Invalid client secret provided.',
      errorCodes: [7000215],
      timestamp: '2026-01-01 00:00:00Z',
      traceId: '0f0e0d0c-0000-4000-8000-000000000001',
      correlationId: '0f0e0d0c-0000-4000-8000-000000000002',
    });
  });

  it('maps a non-JSON 500 to unknown_error with a redacted excerpt of the body', async () => {
    replies.push(text(500, `<html>upstream proxy failed; last token ${FAKE_TOKEN}</html>`));
    const { thrown, carried } = await rejection(postToken(client()));
    const error = carried as AuthenticationError;
    expect(error).toMatchObject({ code: 'ERR_AUTHENTICATION_FAILED', statusCode: 500 });
    expect(error.errorResponse.error).toBe('unknown_error');
    expect(error.errorResponse.errorDescription).toContain('upstream proxy failed');
    expect(error.errorResponse.errorDescription).toContain('[REDACTED]');
    for (const shown of [error.message, JSON.stringify(error), String((thrown as Error).message)]) {
      expect(shown).not.toContain(FAKE_TOKEN);
      expect(shown).not.toContain(FAKE_TOKEN.split('.')[2]);
    }
  });

  it('returns (does not throw) a device code poll answered authorization_pending', async () => {
    replies.push(json(400, { error: 'authorization_pending', error_description: 'waiting' }));
    const response = await poll(client());
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'authorization_pending' });
    expect(received[0]?.body).toContain('device_code=abc');
  });

  it('answers a slow_down as authorization_pending only after 5000 more ms of the clock', async () => {
    const clock = new VirtualClock();
    const network = client({ scheduler: clock });
    replies.push(json(400, { error: 'slow_down' }));
    const call = track(poll(network));
    await until(() => clock.pending > 0, 'the slow_down wait');
    await clock.advance(4999);
    expect(call.settled()).toBe(false);
    await clock.advance(1);
    expect(call.settled()).toBe(true);
    await expect(call.promise).resolves.toMatchObject({
      status: 400,
      body: { error: 'authorization_pending' },
    });
  });

  it('waits 10000 ms after a second slow_down of the same device code', async () => {
    const clock = new VirtualClock();
    const network = client({ scheduler: clock });
    replies.push(json(400, { error: 'slow_down' }));
    const first = poll(network);
    await until(() => clock.pending > 0, 'the first wait');
    await clock.advance(5000);
    await first;
    replies.push(json(400, { error: 'slow_down' }));
    const second = track(poll(network));
    await until(() => clock.pending > 0, 'the second wait');
    await clock.advance(9999);
    expect(second.settled()).toBe(false);
    await clock.advance(1);
    expect(second.settled()).toBe(true);
    await expect(second.promise).resolves.toMatchObject({
      body: { error: 'authorization_pending' },
    });
  });

  it('keeps the slowed-down interval for later authorization_pending polls of that code', async () => {
    const clock = new VirtualClock();
    const network = client({ scheduler: clock });
    replies.push(json(400, { error: 'slow_down' }));
    const first = poll(network);
    await until(() => clock.pending > 0, 'the slow_down wait');
    await clock.advance(5000);
    await first;
    replies.push(json(400, { error: 'authorization_pending' }));
    const next = track(poll(network));
    await until(() => clock.pending > 0, 'the pending wait');
    await clock.advance(4999);
    expect(next.settled()).toBe(false);
    await clock.advance(1);
    expect(next.settled()).toBe(true);
  });

  it('throws other device code errors (expired_token) as a carried AuthenticationError', async () => {
    replies.push(json(400, { error: 'expired_token', error_codes: [70020] }));
    const { thrown, carried } = await rejection(poll(client()));
    expect(thrown).toBeInstanceOf(AuthError);
    expect(carried).toMatchObject({
      code: 'ERR_AUTHENTICATION_FAILED',
      statusCode: 400,
      errorResponse: { error: 'expired_token', errorCodes: [70020] },
    });
  });

  it('carries a connection reset as a transient NetworkError', async () => {
    replies.push((_res, req) => req.socket.destroy());
    const { thrown, carried } = await rejection(postToken(client()));
    expect(thrown).toBeInstanceOf(AuthError);
    expect(carried).toMatchObject({ code: 'ERR_NETWORK', transient: true });
  });

  it('refuses a response larger than 1 MiB', async () => {
    replies.push(text(200, Buffer.alloc(1024 * 1024 + 64 * 1024, 'a')));
    const { thrown, carried } = await rejection(postToken(client()));
    expect(thrown).toBeInstanceOf(AuthError);
    expect(carried).toMatchObject({ code: 'ERR_INVALID_RESPONSE', transient: false });
    expect(carried?.message).toMatch(/more than 1048576 bytes/);
  });

  it('ends a body trickled a byte at a time at timeoutMs with a transient NetworkError', async () => {
    replies.push((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const drip = setInterval(() => res.write(' '), 10);
      res.on('close', () => clearInterval(drip));
    });
    const { carried } = await rejection(postToken(client({ timeoutMs: 150 })));
    expect(carried).toMatchObject({ code: 'ERR_NETWORK', transient: true });
    expect(carried?.cause).toMatchObject({ code: 'ERR_RESPONSE_TIMEOUT' });
    expect(carried?.message).toContain('did not complete within 150 ms');
  });

  it('maps a 2xx token body carrying an OAuth error to AuthenticationError, never echoing the secret', async () => {
    const secret = 'client-secret-value~9f3a';
    replies.push(
      json(200, {
        access_token: 'at-1',
        expires_in: 3599,
        error: 'server_error',
        error_description: `client secret ${secret} is not valid`,
      }),
    );
    const { carried } = await rejection(
      postToken(client(), `grant_type=client_credentials&client_secret=${secret}`),
    );
    expect(carried).toMatchObject({ code: 'ERR_AUTHENTICATION_FAILED', statusCode: 200 });
    expect((carried as AuthenticationError).errorResponse.error).toBe('server_error');
    expect(String(carried)).toContain('client secret [REDACTED] is not valid');
    expect(String(carried)).not.toContain(secret);
  });
});
