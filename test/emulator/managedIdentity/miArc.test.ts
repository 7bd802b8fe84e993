import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  EMULATOR_SYSTEM_ASSIGNED_IDENTITY,
  EMULATOR_USER_ASSIGNED_IDENTITIES,
  startEmulator,
} from '../../../src/emulator/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import type { HttpResult } from '../support/helpers.js';
import { json } from '../support/helpers.js';
import { miRequest } from '../support/miRequest.js';
import { teardownAfterEach } from '../../support/teardown.js';
import { verifyToken } from '../../support/verifyToken.js';

const START_MS = Date.UTC(2030, 6, 8, 9, 10, 11);
const [UAMI] = EMULATOR_USER_ASSIGNED_IDENTITIES as [(typeof EMULATOR_USER_ASSIGNED_IDENTITIES)[0]];

/** The realm path of an Arc 401 challenge. */
function realmOf(result: HttpResult): string {
  const header = String(result.headers['www-authenticate']);
  expect(header).toMatch(/^Basic realm=/);
  return header.slice('Basic realm='.length);
}

describe('Azure Arc challenge flow', () => {
  let emulator: Emulator;
  let directory: string;
  let nowMs = START_MS;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'arc-keys-'));
    emulator = await startEmulator({
      now: () => nowMs,
      managedIdentity: { arcKeyDirectory: directory },
    });
  });
  afterAll(async () => {
    await emulator.stop();
    await rm(directory, { recursive: true, force: true });
  });
  beforeEach(() => {
    nowMs = START_MS;
  });

  const arc = (change?: Parameters<typeof miRequest>[2]) =>
    miRequest(emulator.managedIdentity, 'arc', change);
  const withKey = (key: string, params: Record<string, string> = {}) =>
    arc({ headers: { Authorization: `Basic ${key}` }, params });

  async function challenge(params: Record<string, string> = {}): Promise<string> {
    const result = await arc({ params });
    expect(result.status).toBe(401);
    return realmOf(result);
  }

  it('answers 401 with a fresh 0600 .key file, then a token for its content', async () => {
    const first = await arc();
    expect(first.status).toBe(401);
    const path = realmOf(first);
    expect(dirname(path)).toBe(directory);
    expect(path).toMatch(/[0-9a-f]{16}\.key$/);
    const info = await stat(path);
    expect(info.mode & 0o777).toBe(0o600);
    expect(info.size).toBeLessThanOrEqual(4096);
    const key = await readFile(path, 'utf8');
    expect(first.text).not.toContain(key);
    const second = await withKey(key);
    expect(second.status).toBe(200);
    const body = json(second);
    expect(body).toMatchObject({
      client_id: EMULATOR_SYSTEM_ASSIGNED_IDENTITY.clientId,
      token_type: 'Bearer',
      expires_on: String(START_MS / 1000 + 86400),
    });
    const claims = await verifyToken(emulator, body['access_token'], nowMs);
    expect(claims['xms_mirid']).toBe(EMULATOR_SYSTEM_ASSIGNED_IDENTITY.resourceId);
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes each key once', async () => {
    const key = await readFile(await challenge(), 'utf8');
    expect((await withKey(key)).status).toBe(200);
    const again = await withKey(key);
    expect(again.status).toBe(401);
    expect(realmOf(again)).toMatch(/\.key$/);
  });

  it('takes a key for 60 seconds of the injected clock', async () => {
    const key = await readFile(await challenge(), 'utf8');
    nowMs += 60_000;
    expect((await withKey(key)).status).toBe(401);
    const fresh = await readFile(await challenge(), 'utf8');
    nowMs += 59_000;
    expect((await withKey(fresh)).status).toBe(200);
  });

  it('challenges again for a wrong key', async () => {
    await challenge();
    const result = await withKey('not-the-key');
    expect(result.status).toBe(401);
    expect(realmOf(result)).toMatch(/\.key$/);
  });

  it('checks Metadata and the api-version before challenging', async () => {
    const before = await readdir(directory);
    expect((await arc({ headers: { Metadata: undefined } })).status).toBe(400);
    expect((await arc({ params: { 'api-version': undefined } })).status).toBe(400);
    expect(await readdir(directory)).toEqual(before);
  });

  it('points the next challenge anywhere with arcRealmOverride', async () => {
    emulator.managedIdentity.arcRealmOverride('/etc/passwd');
    expect(realmOf(await arc())).toBe('/etc/passwd');
    expect(dirname(await challenge())).toBe(directory);
  });

  it('honours a user-assigned identity and echoes its ids', async () => {
    const params = { client_id: UAMI.clientId };
    const key = await readFile(await challenge(params), 'utf8');
    const result = await withKey(key, params);
    expect(result.status).toBe(200);
    expect(json(result)).toMatchObject({
      client_id: UAMI.clientId,
      object_id: UAMI.objectId,
      msi_res_id: UAMI.resourceId,
    });
  });

  it('keeps key contents out of the request log', async () => {
    const key = await readFile(await challenge(), 'utf8');
    await withKey(key);
    const log = JSON.stringify(emulator.requests);
    expect(log).not.toContain(key);
    const last = emulator.requests.at(-1);
    expect(last?.route).toBe('arc');
    expect(last?.headers['authorization']).toBe('Basic <redacted>');
  });
});

describe('Azure Arc key files at stop()', () => {
  const teardown = teardownAfterEach();

  it('are deleted', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'arc-stop-'));
    teardown.defer(() => rm(directory, { recursive: true, force: true }));
    const emulator = await startEmulator({ managedIdentity: { arcKeyDirectory: directory } });
    // stop() is what the test is about; this one only runs if an assertion fails first.
    teardown.defer(() => emulator.stop());
    const result = await miRequest(emulator.managedIdentity, 'arc');
    expect(result.status).toBe(401);
    expect(await readdir(directory)).toHaveLength(1);
    await emulator.stop();
    expect(await readdir(directory)).toEqual([]);
  });
});

describe('Azure Arc key directory', () => {
  it('must exist', async () => {
    const missing = join(tmpdir(), 'arc-keys-missing-0f9e8d7c');
    await expect(startEmulator({ managedIdentity: { arcKeyDirectory: missing } })).rejects.toThrow(
      /arcKeyDirectory/,
    );
  });
});
