import { EMULATOR_TENANT_ID, startEmulator } from '../../../src/emulator/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  clientCredentialsForm,
  get,
  json,
  postForm,
  tokenPath,
} from '../support/helpers.js';

const OPENID_PATH = `/${EMULATOR_TENANT_ID}/v2.0/.well-known/openid-configuration`;

describe('fault injection', () => {
  let emulator: Emulator;
  let randomValues: number[];

  beforeAll(async () => {
    emulator = await startEmulator({
      apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
      random: () => randomValues.shift() ?? 0,
    });
  });
  afterAll(() => emulator.stop());
  beforeEach(() => {
    randomValues = [];
    emulator.faults.clear();
    emulator.counters.reset();
  });

  const requestToken = () => postForm(emulator, tokenPath(), clientCredentialsForm());

  it.each([
    [503, 'temporarily_unavailable'],
    [429, 'too_many_requests'],
    [500, 'server_error'],
  ])('answers %i %s with Retry-After', async (status, error) => {
    emulator.faults.add({ route: 'token', status, retryAfterSeconds: 7 });
    const result = await requestToken();
    expect(result.status).toBe(status);
    expect(result.headers['retry-after']).toBe('7');
    const body = json(result);
    expect(body['error']).toBe(error);
    expect(String(body['error_description'])).toMatch(/^AADSTS\d+: /);
  });

  it('applies a rule only `times` times, then answers normally', async () => {
    emulator.faults.add({ route: 'token', status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await requestToken()).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('applies only to its route; `any` applies to every route', async () => {
    emulator.faults.add({ route: 'openid', status: 500, times: 1 });
    expect((await requestToken()).status).toBe(200);
    expect((await get(emulator, OPENID_PATH)).status).toBe(500);
    emulator.faults.add({ route: 'any', status: 503, times: 1 });
    expect((await get(emulator, '/no/such/path')).status).toBe(503);
  });

  it('checks rules in insertion order', async () => {
    emulator.faults.add({ route: 'token', status: 429, times: 1 });
    emulator.faults.add({ route: 'any', status: 503, times: 1 });
    expect((await requestToken()).status).toBe(429);
    expect((await requestToken()).status).toBe(503);
    expect((await requestToken()).status).toBe(200);
  });

  it('applies a rule with probability `rate`, drawing from options.random', async () => {
    emulator.faults.add({ route: 'token', status: 503, rate: 0.5 });
    randomValues = [0.9, 0.1];
    expect((await requestToken()).status).toBe(200);
    expect((await requestToken()).status).toBe(503);
  });

  it('delays a normal response with latency', async () => {
    emulator.faults.add({ route: 'token', latencyMs: 20, times: 1 });
    const result = await requestToken();
    expect(result.status).toBe(200);
    expect(json(result)['access_token']).toBeDefined();
  });

  it('destroys the socket on reset', async () => {
    emulator.faults.add({ route: 'token', reset: true, times: 1 });
    await expect(requestToken()).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await requestToken()).status).toBe(200);
  });

  it('answers 200 with a malformed body on garbage', async () => {
    emulator.faults.add({ route: 'token', garbage: true, times: 1 });
    const result = await requestToken();
    expect(result.status).toBe(200);
    expect(() => JSON.parse(result.text)).toThrow(SyntaxError);
  });

  it('counts requests that a fault answered', async () => {
    emulator.faults.add({ route: 'token', status: 503, times: 1 });
    await requestToken();
    await requestToken();
    expect(emulator.counters.get('token')).toBe(2);
    expect(emulator.counters.get('token:client_credentials')).toBe(2);
  });

  it('clear() removes every rule', async () => {
    emulator.faults.add({ route: 'any', status: 503 });
    emulator.faults.clear();
    expect((await requestToken()).status).toBe(200);
  });
});

describe('global latency', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ latencyMs: 5 });
  });
  afterAll(() => emulator.stop());

  it('still answers every route', async () => {
    expect((await get(emulator, OPENID_PATH)).status).toBe(200);
    expect((await get(emulator, '/common/discovery/v2.0/keys')).status).toBe(200);
  });
});
