import { startEmulator } from '../../../src/emulator/index.js';
import type {
  Emulator,
  ExpiresOnStyle,
  ManagedIdentitySource,
} from '../../../src/emulator/index.js';
import { json } from '../support/helpers.js';
import { miRequest } from '../support/miRequest.js';

const NOW_MS = Date.UTC(2030, 7, 9, 10, 11, 12);
const EXPIRES_ON = NOW_MS / 1000 + 86400;

describe('managed identity faults', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ now: () => NOW_MS });
  });
  afterAll(() => emulator.stop());
  beforeEach(() => {
    emulator.faults.clear();
    emulator.counters.reset();
  });

  const request = (source: ManagedIdentitySource) => miRequest(emulator.managedIdentity, source);

  it.each([
    [404, 'not_found'],
    [410, 'gone'],
    [429, 'too_many_requests'],
    [500, 'unknown_error'],
    [503, 'service_unavailable'],
  ])('IMDS answers %i (%s) on demand, with Retry-After', async (status, error) => {
    emulator.faults.add({ route: 'imds', status, retryAfterSeconds: 3, times: 1 });
    const result = await request('imds');
    expect(result.status).toBe(status);
    expect(result.headers['retry-after']).toBe('3');
    expect(json(result)).toEqual({ error, error_description: expect.any(String) });
    expect((await request('imds')).status).toBe(200);
    expect(emulator.counters.get('imds')).toBe(2);
  });

  it("IMDS answers 403 as Docker Desktop's proxy does", async () => {
    emulator.faults.add({ route: 'imds', status: 403, times: 1 });
    const result = await request('imds');
    expect(result.status).toBe(403);
    expect(result.headers['content-type']).toBe('text/plain');
    expect(result.text).toContain('unreachable');
  });

  it('renders faults in each host style', async () => {
    emulator.faults.add({ route: 'appService', status: 500, times: 1 });
    emulator.faults.add({ route: 'serviceFabric', status: 503, times: 1 });
    emulator.faults.add({ route: 'cloudShell', status: 429, times: 1 });
    expect(json(await request('appService'))).toMatchObject({ statusCode: 500 });
    expect(json(await request('serviceFabric'))).toMatchObject({
      error: { code: 'service_unavailable' },
    });
    expect(json(await request('cloudShell'))).toMatchObject({ error: 'too_many_requests' });
  });

  it('applies faults only to their route; `any` to every listener', async () => {
    emulator.faults.add({ route: 'machineLearning', status: 500, times: 1 });
    expect((await request('imds')).status).toBe(200);
    expect((await request('machineLearning')).status).toBe(500);
    emulator.faults.add({ route: 'any', status: 503, times: 2 });
    expect((await request('serviceFabric')).status).toBe(503);
    expect((await request('appService')).status).toBe(503);
  });

  it('sends garbage and resets sockets on IMDS too', async () => {
    emulator.faults.add({ route: 'imds', garbage: true, times: 1 });
    const garbage = await request('imds');
    expect(garbage.status).toBe(200);
    expect(() => JSON.parse(garbage.text)).toThrow(SyntaxError);
    emulator.faults.add({ route: 'imds', reset: true, times: 1 });
    await expect(request('imds')).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});

describe('expires_on styles', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ now: () => NOW_MS });
  });
  afterAll(() => emulator.stop());

  const expiresOnIn = async (source: ManagedIdentitySource, style: ExpiresOnStyle) => {
    emulator.managedIdentity.setExpiresOnStyle(source, style);
    const result = await miRequest(emulator.managedIdentity, source);
    expect(result.status).toBe(200);
    return json(result);
  };

  it.each<ManagedIdentitySource>(['imds', 'appService', 'serviceFabric', 'machineLearning'])(
    'writes each style on %s',
    async (source) => {
      expect((await expiresOnIn(source, 'epoch-number'))['expires_on']).toBe(EXPIRES_ON);
      expect((await expiresOnIn(source, 'epoch-string'))['expires_on']).toBe(String(EXPIRES_ON));
      const iso = (await expiresOnIn(source, 'iso'))['expires_on'];
      expect(iso).toBe(new Date(EXPIRES_ON * 1000).toISOString());
      expect((await expiresOnIn(source, 'date-string'))['expires_on']).toBe(
        '08/10/2030 10:11:12 +00:00',
      );
      const inOnly = await expiresOnIn(source, 'expires-in-only');
      expect(inOnly).not.toHaveProperty('expires_on');
      expect(Number(inOnly['expires_in'])).toBe(86400);
    },
  );

  it('keeps each source on its own style', async () => {
    emulator.managedIdentity.setExpiresOnStyle('cloudShell', 'iso');
    emulator.managedIdentity.setExpiresOnStyle('imds', 'epoch-string');
    const imds = json(await miRequest(emulator.managedIdentity, 'imds'));
    expect(imds['expires_on']).toBe(String(EXPIRES_ON));
  });
});
