import {
  EMULATOR_SYSTEM_ASSIGNED_IDENTITY,
  EMULATOR_TENANT_ID,
  EMULATOR_USER_ASSIGNED_IDENTITIES,
  startEmulator,
} from '../../../src/emulator/index.js';
import type { Emulator, ManagedIdentitySource } from '../../../src/emulator/index.js';
import { json } from '../support/helpers.js';
import { STORAGE, call, sha1Thumbprint } from '../support/miHelpers.js';
import { verifyToken } from '../../support/verifyToken.js';
import { miRequest } from '../support/miRequest.js';

const NOW_MS = Date.UTC(2030, 4, 6, 7, 8, 9);
const NOW = NOW_MS / 1000;
const [UAMI] = EMULATOR_USER_ASSIGNED_IDENTITIES as [(typeof EMULATOR_USER_ASSIGNED_IDENTITIES)[0]];
const SYSTEM = EMULATOR_SYSTEM_ASSIGNED_IDENTITY;
const HTTP_SOURCES: ManagedIdentitySource[] = [
  'imds',
  'appService',
  'cloudShell',
  'machineLearning',
];

describe('managed identity endpoints', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ now: () => NOW_MS });
  });
  afterAll(() => emulator.stop());

  const request = (source: ManagedIdentitySource, change?: Parameters<typeof miRequest>[2]) =>
    miRequest(emulator.managedIdentity, source, change);

  it.each<[ManagedIdentitySource, string[]]>([
    [
      'imds',
      [
        'access_token',
        'client_id',
        'expires_in',
        'expires_on',
        'ext_expires_in',
        'not_before',
        'resource',
        'token_type',
      ],
    ],
    ['appService', ['access_token', 'client_id', 'expires_on', 'resource', 'token_type']],
    ['serviceFabric', ['access_token', 'expires_on', 'resource', 'token_type']],
    [
      'cloudShell',
      ['access_token', 'expires_in', 'expires_on', 'not_before', 'resource', 'token_type'],
    ],
    ['machineLearning', ['access_token', 'client_id', 'expires_on', 'resource', 'token_type']],
  ])('%s issues a system-assigned v1 token', async (source, fields) => {
    const result = await request(source);
    expect(result.status).toBe(200);
    const body = json(result);
    expect(Object.keys(body).sort()).toEqual(fields);
    const expiresOn = NOW + 86400;
    expect(body).toMatchObject({ resource: STORAGE, token_type: 'Bearer' });
    expect(body['expires_on']).toBe(source === 'serviceFabric' ? expiresOn : String(expiresOn));
    if ('expires_in' in body) expect(body['expires_in']).toBe('86400');
    const claims = await verifyToken(emulator, body['access_token'], NOW_MS);
    expect(claims).toMatchObject({
      aud: 'https://storage.azure.com',
      iss: `https://sts.windows.net/${EMULATOR_TENANT_ID}/`,
      appid: SYSTEM.clientId,
      oid: SYSTEM.objectId,
      sub: SYSTEM.objectId,
      xms_mirid: SYSTEM.resourceId,
      idtyp: 'app',
      ver: '1.0',
      tid: EMULATOR_TENANT_ID,
      iat: NOW,
      exp: expiresOn,
    });
  });

  it('serves Service Fabric over HTTPS with its own self-signed certificate', async () => {
    const mi = emulator.managedIdentity;
    expect(mi.serviceFabricEndpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/metadata\/identity/);
    expect(mi.serviceFabricThumbprint).toBe(sha1Thumbprint(mi.serviceFabricCertificate));
    expect(mi.serviceFabricThumbprint).toMatch(/^[0-9A-F]{40}$/);
    const ca = mi.serviceFabricCertificate;
    const wrongPin = call(mi.serviceFabricEndpoint, { ca, thumbprint: '00'.repeat(20) });
    await expect(wrongPin).rejects.toThrow(/Thumbprint mismatch/);
    // The emulator's CA does not vouch for it.
    const viaEmulatorCa = call(mi.serviceFabricEndpoint, { ca: emulator.ca, thumbprint: 'x' });
    await expect(viaEmulatorCa).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it.each<[ManagedIdentitySource, string, string]>([
    ['imds', 'client_id', UAMI.clientId],
    ['imds', 'object_id', UAMI.objectId],
    ['imds', 'msi_res_id', UAMI.resourceId],
    ['appService', 'client_id', UAMI.clientId],
    ['appService', 'object_id', UAMI.objectId],
    ['appService', 'principal_id', UAMI.objectId],
    ['appService', 'mi_res_id', UAMI.resourceId],
    ['machineLearning', 'clientid', UAMI.clientId],
    ['imds', 'client_id', UAMI.clientId.toUpperCase()],
    ['imds', 'msi_res_id', UAMI.resourceId.toLowerCase()],
  ])('%s issues a user-assigned token by %s', async (source, param, value) => {
    const result = await request(source, { params: { clientid: undefined, [param]: value } });
    expect(result.status).toBe(200);
    const body = json(result);
    expect(body['client_id']).toBe(UAMI.clientId);
    const claims = await verifyToken(emulator, body['access_token'], NOW_MS);
    expect(claims).toMatchObject({
      appid: UAMI.clientId,
      oid: UAMI.objectId,
      xms_mirid: UAMI.resourceId,
    });
  });

  it.each<[ManagedIdentitySource, string, object]>([
    ['imds', 'client_id', { error: 'invalid_request', error_description: 'Identity not found' }],
    ['imds', 'object_id', { error: 'invalid_request', error_description: 'Identity not found' }],
    ['imds', 'msi_res_id', { error: 'invalid_request', error_description: 'Identity not found' }],
    [
      'appService',
      'client_id',
      { statusCode: 400, message: 'Unable to load the proper Managed Identity.' },
    ],
    [
      'machineLearning',
      'clientid',
      { statusCode: 400, message: 'Unable to load the proper Managed Identity.' },
    ],
  ])('%s answers 400 for an unknown %s', async (source, param, body) => {
    const unknown = param.endsWith('res_id')
      ? '/subscriptions/x/nope'
      : '0000dead-0000-4000-8000-000000000000';
    const result = await request(source, { params: { clientid: undefined, [param]: unknown } });
    expect(result.status).toBe(400);
    expect(json(result)).toMatchObject(body);
  });

  it('serves user-assigned identities added after start, ids derived', async () => {
    const added = emulator.managedIdentity.addUserAssigned({ clientId: 'ADDED-0000-4000-8000' });
    expect(added.objectId).toMatch(/^[0-9a-f-]{36}$/);
    expect(added.resourceId).toContain('/userAssignedIdentities/');
    expect(emulator.managedIdentity.userAssigned()).toContainEqual(added);
    const result = await request('imds', { params: { client_id: 'added-0000-4000-8000' } });
    expect(result.status).toBe(200);
    const claims = await verifyToken(emulator, json(result)['access_token'], NOW_MS);
    expect(claims).toMatchObject({ appid: added.clientId, oid: added.objectId });
  });

  it('strips /.default from the resource for the audience and echoes the resource', async () => {
    const resource = 'https://vault.azure.net/.default';
    const body = json(await request('imds', { params: { resource } }));
    expect(body['resource']).toBe(resource);
    const claims = await verifyToken(emulator, body['access_token'], NOW_MS);
    expect(claims.aud).toBe('https://vault.azure.net');
  });

  it('counts and logs each source under its route, secrets redacted', async () => {
    emulator.counters.reset();
    const sources: ManagedIdentitySource[] = [...HTTP_SOURCES, 'serviceFabric'];
    for (const source of sources) await request(source);
    for (const source of sources) expect(emulator.counters.get(source)).toBe(1);
    await call(`${emulator.managedIdentity.url}/elsewhere`);
    expect(emulator.counters.get('notfound')).toBe(1);
    const log = JSON.stringify(emulator.requests);
    const mi = emulator.managedIdentity;
    for (const secret of [mi.appServiceSecret, mi.serviceFabricSecret, mi.machineLearningSecret]) {
      expect(log).not.toContain(secret);
    }
    const appService = emulator.requests.find((entry) => entry.route === 'appService');
    expect(appService?.headers['x-identity-header']).toBe('<redacted>');
    const fabric = emulator.requests.find((entry) => entry.route === 'serviceFabric');
    expect(fabric?.headers['secret']).toBe('<redacted>');
  });

  it('changes the managed identity token lifetime', async () => {
    emulator.managedIdentity.setTokenLifetime(600);
    const body = json(await request('appService'));
    emulator.managedIdentity.setTokenLifetime(86400);
    expect(body['expires_on']).toBe(String(NOW + 600));
  });
});
