import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { decodeJwt } from 'jose';
import { ClientSecretCredential } from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { singleIdentitySource } from '../../src/service/tokenSources.js';
import { teardownAfterEach } from '../support/teardown.js';
import { until } from '../support/until.js';
import { TokenManagers } from '../support/tokenManagers.js';
import {
  send,
  startSidecar,
  tokenTarget,
  type RawResponse,
  type Sidecar,
} from './sidecarHarness.js';

const APP = { clientId: randomUUID(), clientSecret: 'sidecar-endpoint-secret' };
const VAULT = 'https://vault.azure.net';
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./;
let em: Emulator;
const managers = new TokenManagers({ retryInitialDelayMs: 5, retryMaxDelayMs: 20 });

beforeAll(async () => {
  em = await startEmulator({ apps: [APP] });
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
});
afterEach(() => em.faults.clear());
const teardown = teardownAfterEach();

async function sidecar(
  options: {
    allowResources?: string[];
    maxResources?: number;
    tokenTimeoutMs?: number;
    expectedClientId?: string;
  } = {},
): Promise<Sidecar> {
  const { expectedClientId, ...rest } = options;
  const tokenManager = managers.create();
  const credential = new ClientSecretCredential(em.tenantId, APP.clientId, APP.clientSecret, {
    authorityHost: em.url,
    tlsOptions: { ca: em.ca },
    tokenManager,
    env: {},
  });
  const source = singleIdentitySource(credential, {
    description: 'ClientSecretCredential on the emulator',
    clientId: APP.clientId,
    expectedClientId,
  });
  return startSidecar(teardown, { tokenManager, source, ...rest });
}

const corsHeaders = (response: RawResponse) =>
  Object.keys(response.headers).filter((name) => name.startsWith('access-control-'));

describe('the token endpoint', () => {
  it('serves a bounded number of distinct resources: a new one beyond gets 429 and no token', async () => {
    const { port, secret } = await sidecar({ maxResources: 2 });
    const ask = (resource: string) =>
      send(port, tokenTarget(resource), { headers: { 'X-IDENTITY-HEADER': secret } });
    expect((await ask('https://a.example.com')).status).toBe(200);
    expect((await ask('https://b.example.com')).status).toBe(200);
    const refused = await ask('https://c.example.com');
    expect(refused.status).toBe(429);
    expect(refused.text).not.toMatch(JWT);
    expect(refused.json).toMatchObject({ message: expect.stringContaining('--allow-resource') });
    expect((await ask('https://a.example.com')).status).toBe(200);
  });

  it("answers App Service's token shape from the engine, with no CORS header", async () => {
    const { port, secret, events } = await sidecar();
    const response = await send(port, tokenTarget(VAULT), {
      headers: { 'X-IDENTITY-HEADER': secret, Origin: 'https://evil.example' },
    });
    expect(response.status).toBe(200);
    const body = response.json!;
    expect(Object.keys(body).sort()).toEqual(
      ['access_token', 'client_id', 'expires_on', 'resource', 'token_type'].sort(),
    );
    expect(body).toMatchObject({ resource: VAULT, token_type: 'Bearer', client_id: APP.clientId });
    expect(body.expires_on).toMatch(/^\d{10}$/);
    const claims = decodeJwt(String(body.access_token));
    expect(claims.aud).toBe(VAULT);
    // The engine dates expiry from expires_in on arrival: within a second or two of `exp`.
    expect(Math.abs(Number(body.expires_on) - claims.exp!)).toBeLessThanOrEqual(2);
    expect(corsHeaders(response)).toEqual([]);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(events).toMatchObject([{ type: 'sidecar-request', status: 200, resource: VAULT }]);
    expect(events[0]!.client).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('makes one acquisition per key however many requests', async () => {
    const { port, secret } = await sidecar();
    em.counters.reset();
    const headers = { 'X-IDENTITY-HEADER': secret };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => send(port, tokenTarget(VAULT), { headers })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.json!.access_token)).size).toBe(1);
    expect(em.counters.get('token')).toBe(1);
  });

  it('maps the resource to resource/.default, as Azure Identity does', async () => {
    const { port, secret, service } = await sidecar();
    const resource = 'https://management.core.windows.net/';
    const response = await send(port, tokenTarget(resource), {
      headers: { 'X-IDENTITY-HEADER': secret },
    });
    expect(response.status).toBe(200);
    expect(service.view.snapshot().map((s) => s.scopes)).toEqual([
      ['https://management.core.windows.net//.default'],
    ]);
  });

  it('answers Host: localhost:<port> too', async () => {
    const { port, secret } = await sidecar();
    const response = await send(port, tokenTarget(VAULT), {
      headers: { 'X-IDENTITY-HEADER': secret, Host: `localhost:${port}` },
    });
    expect(response.status).toBe(200);
  });
});

describe('refusals', () => {
  const rows: [
    string,
    number,
    string,
    (s: Sidecar) => [string, Record<string, string>, string?],
  ][] = [
    ['no identity header', 401, 'missing-header', () => [tokenTarget(VAULT), {}]],
    [
      'a wrong identity header',
      401,
      'wrong-header',
      (s) => [tokenTarget(VAULT), { 'X-IDENTITY-HEADER': s.secret.replace(/./, 'x') }],
    ],
    [
      'a prefix of the identity header',
      401,
      'wrong-header',
      (s) => [tokenTarget(VAULT), { 'X-IDENTITY-HEADER': s.secret.slice(0, 10) }],
    ],
    [
      'a foreign Host (DNS rebinding)',
      403,
      'foreign-host',
      (s) => [
        tokenTarget(VAULT),
        { 'X-IDENTITY-HEADER': s.secret, Host: `evil.example:${s.port}` },
      ],
    ],
    [
      'the right name on another port',
      403,
      'foreign-host',
      (s) => [
        tokenTarget(VAULT),
        { 'X-IDENTITY-HEADER': s.secret, Host: `127.0.0.1:${s.port + 1}` },
      ],
    ],
    [
      'no resource',
      400,
      'missing-resource',
      (s) => ['/msi/token?api-version=2019-08-01', { 'X-IDENTITY-HEADER': s.secret }],
    ],
    [
      'no api-version',
      400,
      'bad-api-version',
      (s) => [`/msi/token?resource=${VAULT}`, { 'X-IDENTITY-HEADER': s.secret }],
    ],
    [
      'another api-version',
      400,
      'bad-api-version',
      (s) => [
        `/msi/token?resource=${VAULT}&api-version=2017-09-01`,
        { 'X-IDENTITY-HEADER': s.secret },
      ],
    ],
    [
      'a malformed resource',
      400,
      'malformed-resource',
      (s) => [tokenTarget('https://vault.azure.net/<script>'), { 'X-IDENTITY-HEADER': s.secret }],
    ],
    [
      'the resource twice',
      400,
      'repeated-parameter',
      (s) => [tokenTarget(VAULT, `&resource=${VAULT}`), { 'X-IDENTITY-HEADER': s.secret }],
    ],
    [
      'a malformed client_id',
      400,
      'malformed-identity',
      (s) => [tokenTarget(VAULT, '&client_id=not-a-guid'), { 'X-IDENTITY-HEADER': s.secret }],
    ],
    [
      'two identity selectors',
      400,
      'conflicting-identity',
      (s) => [
        tokenTarget(VAULT, `&client_id=${APP.clientId}&object_id=${randomUUID()}`),
        { 'X-IDENTITY-HEADER': s.secret },
      ],
    ],
    [
      'an identity the credential cannot be',
      400,
      'identity-not-served',
      (s) => [tokenTarget(VAULT, `&client_id=${randomUUID()}`), { 'X-IDENTITY-HEADER': s.secret }],
    ],
    [
      "IMDS's name for a resource id (msi_res_id)",
      400,
      'unknown-parameter',
      (s) => [
        tokenTarget(
          VAULT,
          `&msi_res_id=/subscriptions/${randomUUID()}/resourcegroups/rg/providers/` +
            'Microsoft.ManagedIdentity/userAssignedIdentities/other',
        ),
        { 'X-IDENTITY-HEADER': s.secret },
      ],
    ],
    [
      "the 2017 protocol's name for a client id (clientid)",
      400,
      'unknown-parameter',
      (s) => [tokenTarget(VAULT, `&clientid=${randomUUID()}`), { 'X-IDENTITY-HEADER': s.secret }],
    ],
    [
      'a POST',
      400,
      'bad-method',
      (s) => [tokenTarget(VAULT), { 'X-IDENTITY-HEADER': s.secret }, 'POST'],
    ],
    [
      'an oversized query',
      400,
      'oversized',
      (s) => [tokenTarget(VAULT, `&pad=${'a'.repeat(5_000)}`), { 'X-IDENTITY-HEADER': s.secret }],
    ],
    [
      'a query larger than the header limit',
      400,
      'malformed-request',
      (s) => [tokenTarget(VAULT, `&pad=${'a'.repeat(40_000)}`), { 'X-IDENTITY-HEADER': s.secret }],
    ],
  ];

  it.each(rows)('%s: %i, no token', async (_name, status, reason, build) => {
    const s = await sidecar();
    const [target, headers, method] = build(s);
    const response = await send(s.port, target, { headers, method });
    expect(response.status).toBe(status);
    expect(response.json).toMatchObject({ statusCode: status, message: expect.any(String) });
    expect(response.text).not.toMatch(JWT);
    expect(response.text).not.toContain('access_token');
    expect(response.text).not.toContain(s.secret);
    expect(corsHeaders(response)).toEqual([]);
    expect(s.events.map((e) => [e.status, e.reason])).toEqual([[status, reason]]);
    expect(s.service.view.snapshot()).toEqual([]);
  });

  it('refuses a resource outside --allow-resource with 403 and serves the allowed ones', async () => {
    const s = await sidecar({ allowResources: ['https://VAULT.azure.net/'] });
    const headers = { 'X-IDENTITY-HEADER': s.secret };
    const refused = await send(s.port, tokenTarget('https://storage.azure.com'), { headers });
    expect(refused.status).toBe(403);
    expect(refused.text).not.toMatch(JWT);
    expect((await send(s.port, tokenTarget(VAULT), { headers })).status).toBe(200);
    expect(s.events.map((e) => [e.status, e.reason])).toEqual([
      [403, 'resource-not-allowed'],
      [200, undefined],
    ]);
  });

  it('answers a request that is not HTTP with a 400 and closes the connection', async () => {
    const s = await sidecar();
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(s.port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString('utf8')));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
      socket.write('NOT HTTP AT ALL\r\n\r\n');
    });
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(s.events.map((e) => e.reason)).toEqual(['malformed-request']);
  });
});

describe('an expected client id', () => {
  it("is served only when the token shows it: another identity's token is refused", async () => {
    const expected = randomUUID();
    const s = await sidecar({ expectedClientId: expected });
    const response = await send(s.port, tokenTarget(VAULT, `&client_id=${expected}`), {
      headers: { 'X-IDENTITY-HEADER': s.secret },
    });
    expect(response.status).toBe(400);
    expect(response.text).not.toMatch(JWT);
    expect(response.text).not.toContain('access_token');
    expect(s.events.map((e) => [e.status, e.reason])).toEqual([[400, 'identity-not-served']]);
  });
});

describe('upstream failures', () => {
  it('passes the authority refusing a resource on as a 400 with its message', async () => {
    const s = await sidecar();
    const response = await send(s.port, tokenTarget('urn:no-such-resource'), {
      headers: { 'X-IDENTITY-HEADER': s.secret },
    });
    expect(response.status).toBe(400);
    expect(String(response.json!.message)).toMatch(/AADSTS500011/);
    expect(s.events[0]!.reason).toBe('upstream-ERR_AUTHENTICATION_FAILED');
  });

  it('answers 503 when the authority is down, without a secret in the message', async () => {
    const s = await sidecar();
    em.faults.add({ route: 'token', status: 503 });
    const response = await send(s.port, tokenTarget(VAULT), {
      headers: { 'X-IDENTITY-HEADER': s.secret },
    });
    expect(response.status).toBe(503);
    expect(response.text).not.toContain(APP.clientSecret);
    expect(response.text).not.toContain(s.secret);
    expect(String(response.json!.message)).toMatch(/unavailable/i);
  });

  it('answers 504 when no token comes within its deadline, and the engine carries on', async () => {
    const s = await sidecar({ tokenTimeoutMs: 300 });
    em.faults.add({ route: 'token', latencyMs: 3_000, times: 1 });
    const response = await send(s.port, tokenTarget('https://slow.example.com'), {
      headers: { 'X-IDENTITY-HEADER': s.secret },
    });
    expect(response.status).toBe(504);
    expect(response.text).not.toMatch(JWT);
    expect(s.events.at(-1)).toMatchObject({ status: 504 });
  });
});

describe('a client that goes away', () => {
  it('is recorded as 499 with its address, read before it left', async () => {
    const s = await sidecar();
    em.faults.add({ route: 'token', latencyMs: 3_000, times: 1 });
    const seen = em.requests.length;
    const socket = connect(s.port, '127.0.0.1');
    teardown.add(socket, (c) => c.destroy());
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const local = `127.0.0.1:${socket.localPort}`;
    socket.write(
      `GET ${tokenTarget('https://gone.example.com')} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n` +
        `X-IDENTITY-HEADER: ${s.secret}\r\n\r\n`,
    );
    // The sidecar is waiting for the authority: the client leaves.
    await until(() => em.requests.length > seen, 'the token request upstream');
    socket.destroy();
    await until(() => s.events.length === 1, 'the request event');
    expect(s.events[0]).toMatchObject({ status: 499, reason: 'client-closed', client: local });
  });
});

describe('the server', () => {
  it('answers 404 for paths no route owns, and /healthz and /readyz', async () => {
    const s = await sidecar();
    expect((await send(s.port, '/nothing')).status).toBe(404);
    expect(await send(s.port, '/healthz')).toMatchObject({
      status: 200,
      json: { status: 'serving' },
    });
    expect(await send(s.port, '/readyz')).toMatchObject({
      status: 200,
      json: { ready: true, reasons: [] },
    });
    expect((await send(s.port, '/healthz', { headers: { Host: 'evil.example' } })).status).toBe(
      403,
    );
  });
});
