import { Agent, request } from 'node:https';
import type { Socket } from 'node:net';
import { EMULATOR_TENANT_ID, EMULATOR_TEST_USER, startEmulator } from '../../src/emulator/index.js';
import type { Emulator, RecordedRequest } from '../../src/emulator/index.js';
import { RequestRecorder } from '../../src/emulator/http/requestRecorder.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  clientCredentialsForm,
  get,
  postForm,
  send,
  tokenPath,
} from './support/helpers.js';
import { teardownAfterEach } from '../support/teardown.js';
import { until } from '../support/until.js';

const OPENID_PATH = `/${EMULATOR_TENANT_ID}/v2.0/.well-known/openid-configuration`;

describe('counters and the request log', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({
      apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
    });
  });
  afterAll(() => emulator.stop());

  it('counts per route, per grant, and in total; reset() zeroes them', async () => {
    await get(emulator, OPENID_PATH);
    await get(emulator, '/common/discovery/v2.0/keys');
    await get(emulator, '/common/discovery/instance?api-version=1.1');
    await postForm(emulator, tokenPath(), clientCredentialsForm());
    await postForm(emulator, tokenPath(), clientCredentialsForm({ grant_type: 'password' }));
    await get(emulator, '/elsewhere');
    expect(
      ['openid', 'jwks', 'discovery', 'token', 'token:client_credentials', 'token:password'].map(
        (route) => emulator.counters.get(route),
      ),
    ).toEqual([1, 1, 1, 2, 1, 1]);
    expect(emulator.counters.get('notfound')).toBe(1);
    expect(emulator.counters.total()).toBe(6);
    emulator.counters.reset();
    expect(emulator.counters.total()).toBe(0);
    expect(emulator.counters.get('token')).toBe(0);
  });

  it('logs requests with route, query, headers and form, secrets redacted', async () => {
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    await postForm(emulator, `${tokenPath()}?x=1`, clientCredentialsForm(), {
      'client-request-id': 'abc',
      Authorization: `Basic ${basic}`,
    });
    const last = emulator.requests.at(-1);
    expect(last).toMatchObject({
      route: 'token',
      method: 'POST',
      path: tokenPath(),
      query: { x: '1' },
      form: { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: '<redacted>' },
    });
    expect(last?.headers['client-request-id']).toBe('abc');
    expect(last?.headers['authorization']).toBe('Basic <redacted>');
    expect(JSON.stringify(emulator.requests)).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify(emulator.requests)).not.toContain(basic);
  });

  it('logs JSON bodies as fields, redacting passwords', async () => {
    await send(emulator, '/_emulator/authorize', {
      method: 'POST',
      body: JSON.stringify({ authorizeUrl: 'x', password: 'hunter2-secret', n: 1, o: {} }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(emulator.requests.at(-1)).toMatchObject({
      route: 'authorize',
      form: { authorizeUrl: 'x', password: '<redacted>', n: '1' },
    });
    expect(JSON.stringify(emulator.requests)).not.toContain('hunter2-secret');
  });

  it('redacts secret fields sent in the query too', async () => {
    await get(emulator, `${tokenPath()}?refresh_token=rt-secret-value`);
    expect(emulator.requests.at(-1)?.query).toEqual({ refresh_token: '<redacted>' });
  });

  it('registers the test user, and users with defaults filled in', async () => {
    expect(EMULATOR_TEST_USER).toEqual({
      username: 'ada@contoso.test',
      password: 'correct-horse-battery',
    });
    const ada = emulator.registerUser(EMULATOR_TEST_USER);
    expect(ada).toMatchObject({ displayName: 'ada', tenantId: EMULATOR_TENANT_ID });
    const tenant = '0c0ffee0-0000-4000-8000-00000000beef';
    const bob = emulator.registerUser({
      username: 'Bob@Fabrikam.test',
      password: 'x',
      tenantId: tenant,
    });
    expect(bob.objectId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(emulator.registerUser({ username: 'bob@fabrikam.test', password: 'y' }).objectId).toBe(
      bob.objectId,
    );
    expect(bob.displayName).toBe('Bob');
    const result = await get(emulator, `/${tenant}/v2.0/.well-known/openid-configuration`);
    expect(result.status).toBe(200);
  });

  it('registers apps after start', async () => {
    emulator.registerApp({ clientId: 'late-app', clientSecret: 'late-secret' });
    const form = clientCredentialsForm({ client_id: 'late-app', client_secret: 'late-secret' });
    expect((await postForm(emulator, tokenPath(), form)).status).toBe(200);
  });
});

describe('the request log bound', () => {
  it('keeps the last 1000 requests', () => {
    const recorder = new RequestRecorder();
    const entry = (i: number): RecordedRequest => ({
      route: 'openid',
      method: 'GET',
      path: `/${i}`,
      query: {},
      headers: {},
      form: {},
    });
    for (let i = 0; i < 1005; i += 1) recorder.record(entry(i));
    expect(recorder.requests).toHaveLength(1000);
    expect(recorder.requests[0]?.path).toBe('/5');
    expect(recorder.total()).toBe(1005);
  });
});

describe('stop()', () => {
  // stop() is what these tests are about; the teardown stops an emulator an assertion left running.
  const teardown = teardownAfterEach();

  it('closes idle keep-alive sockets and is idempotent', async () => {
    const emulator = teardown.add(await startEmulator(), (started) => started.stop());
    const agent = teardown.add(new Agent({ keepAlive: true }), (keepAlive) => keepAlive.destroy());
    let socket: Socket | undefined;
    const closed = new Promise<void>((resolve) => {
      const req = request(`${emulator.url}${OPENID_PATH}`, { ca: emulator.ca, agent }, (res) => {
        res.resume();
      });
      req.on('socket', (s: Socket) => {
        socket = s;
        s.once('close', () => resolve());
      });
      req.end();
    });
    await until(() => emulator.counters.total() === 1 && Object.keys(agent.freeSockets).length > 0);
    await Promise.all([emulator.stop(), emulator.stop()]);
    await closed;
    expect(socket?.destroyed).toBe(true);
    await emulator.stop();
    await expect(get(emulator, OPENID_PATH)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('ends a request that is waiting on injected latency', async () => {
    const emulator = teardown.add(await startEmulator(), (started) => started.stop());
    emulator.faults.add({ route: 'openid', latencyMs: 600_000 });
    const pending = send(emulator, OPENID_PATH);
    pending.catch(() => undefined);
    await until(() => emulator.counters.get('openid') === 1);
    await emulator.stop();
    await expect(pending).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
