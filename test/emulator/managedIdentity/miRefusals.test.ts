import { startEmulator } from '../../../src/emulator/index.js';
import type { Emulator, ManagedIdentitySource } from '../../../src/emulator/index.js';
import { EMULATOR_USER_ASSIGNED_IDENTITIES } from '../../../src/emulator/index.js';
import { json } from '../support/helpers.js';
import { call } from '../support/miHelpers.js';
import { miRequest } from '../support/miRequest.js';

const [UAMI] = EMULATOR_USER_ASSIGNED_IDENTITIES as [(typeof EMULATOR_USER_ASSIGNED_IDENTITIES)[0]];

describe('managed identity refusals', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.stop());

  const request = (source: ManagedIdentitySource, change?: Parameters<typeof miRequest>[2]) =>
    miRequest(emulator.managedIdentity, source, change);
  it('answers the IMDS probe (no query, no Metadata header) with 400', async () => {
    const result = await call(emulator.managedIdentity.imdsEndpoint);
    expect(result.status).toBe(400);
    expect(json(result)).toEqual({
      error: 'invalid_request',
      error_description: 'Required metadata header not specified',
    });
  });

  it.each<[string, ManagedIdentitySource, Parameters<typeof miRequest>[2], number, RegExp]>([
    ['IMDS without Metadata', 'imds', { headers: { Metadata: undefined } }, 400, /metadata header/],
    ['IMDS with Metadata: false', 'imds', { headers: { Metadata: 'false' } }, 400, /metadata/],
    [
      'IMDS without api-version',
      'imds',
      { params: { 'api-version': undefined } },
      400,
      /api-version/,
    ],
    [
      'IMDS with an old api-version',
      'imds',
      { params: { 'api-version': '2017-01-01' } },
      400,
      /api-version/,
    ],
    ['IMDS without resource', 'imds', { params: { resource: undefined } }, 400, /audience/],
    ['IMDS via a proxy', 'imds', { headers: { 'X-Forwarded-For': '10.0.0.1' } }, 400, /Forwarded/],
    ['IMDS by POST', 'imds', { method: 'POST' }, 405, /GET/],
    [
      'IMDS with an unknown resource',
      'imds',
      { params: { resource: 'nonsense' } },
      400,
      /AADSTS500011/,
    ],
    [
      'App Service without api-version',
      'appService',
      { params: { 'api-version': undefined } },
      400,
      /api-version/,
    ],
    [
      'App Service with 2017-09-01',
      'appService',
      { params: { 'api-version': '2017-09-01' } },
      400,
      /2019-08-01/,
    ],
    [
      'App Service without resource',
      'appService',
      { params: { resource: undefined } },
      400,
      /resource/,
    ],
    [
      'Service Fabric with another api-version',
      'serviceFabric',
      { params: { 'api-version': '2019-08-01' } },
      400,
      /2019-07-01-preview/,
    ],
    ['Cloud Shell by GET', 'cloudShell', { method: 'GET' }, 405, /POST/],
    [
      'Cloud Shell without Metadata',
      'cloudShell',
      { headers: { Metadata: undefined } },
      400,
      /metadata/,
    ],
    [
      'Cloud Shell without resource',
      'cloudShell',
      { params: { resource: undefined } },
      400,
      /audience/,
    ],
    [
      'Machine Learning without Metadata',
      'machineLearning',
      { headers: { Metadata: undefined } },
      400,
      /metadata/,
    ],
    [
      'Machine Learning with api-version 2019-08-01',
      'machineLearning',
      { params: { 'api-version': '2019-08-01' } },
      400,
      /2017-09-01/,
    ],
  ])('refuses %s', async (_name, source, change, status, message) => {
    const result = await request(source, change);
    expect(result.status).toBe(status);
    expect(result.text).toMatch(message);
  });

  it.each<[string, ManagedIdentitySource, string, string | undefined, number]>([
    ['App Service without X-IDENTITY-HEADER', 'appService', 'X-IDENTITY-HEADER', undefined, 401],
    [
      'App Service with a wrong X-IDENTITY-HEADER',
      'appService',
      'X-IDENTITY-HEADER',
      'wrong-1',
      403,
    ],
    ['Service Fabric without secret', 'serviceFabric', 'secret', undefined, 401],
    ['Service Fabric with a wrong secret', 'serviceFabric', 'secret', 'wrong-2', 401],
    ['Machine Learning without secret', 'machineLearning', 'secret', undefined, 401],
    ['Machine Learning with a wrong secret', 'machineLearning', 'secret', 'wrong-3', 401],
  ])('refuses %s, echoing no secret', async (_name, source, header, value, status) => {
    const result = await request(source, { headers: { [header]: value } });
    expect(result.status).toBe(status);
    const mi = emulator.managedIdentity;
    for (const secret of [mi.appServiceSecret, mi.serviceFabricSecret, mi.machineLearningSecret]) {
      expect(result.text).not.toContain(secret);
    }
    if (value !== undefined) expect(result.text).not.toContain(value);
  });

  it('renders errors in each host style', async () => {
    const appService = json(
      await request('appService', { headers: { 'X-IDENTITY-HEADER': undefined } }),
    );
    expect(appService).toMatchObject({ statusCode: 401, message: expect.any(String) });
    expect(appService['correlationId']).toEqual(expect.any(String));
    const fabric = json(await request('serviceFabric', { headers: { secret: undefined } }));
    expect(fabric).toEqual({
      error: {
        correlationId: expect.any(String),
        code: 'SecretHeaderNotFound',
        message: 'Secret is not found in the request headers.',
      },
    });
  });

  it.each<[ManagedIdentitySource, string]>([
    ['imds', 'mi_res_id'],
    ['imds', 'clientid'],
    ['appService', 'msi_res_id'],
    ['appService', 'clientid'],
    ['machineLearning', 'client_id'],
    ['machineLearning', 'object_id'],
    ['serviceFabric', 'client_id'],
    ['cloudShell', 'client_id'],
  ])('%s refuses the id parameter %s with an explanation', async (source, param) => {
    const result = await request(source, {
      params: { clientid: undefined, [param]: UAMI.clientId },
    });
    expect(result.status).toBe(400);
    expect(result.text).toContain(`'${param}' is not accepted`);
  });

  it('refuses two identity selectors at once', async () => {
    const params = { client_id: UAMI.clientId, object_id: UAMI.objectId };
    const result = await request('imds', { params });
    expect(result.status).toBe(400);
    expect(result.text).toContain('Only one identity selector');
  });
});
