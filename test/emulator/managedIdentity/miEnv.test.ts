import {
  EMULATOR_SYSTEM_ASSIGNED_IDENTITY,
  EMULATOR_USER_ASSIGNED_IDENTITIES,
  startEmulator,
} from '../../../src/emulator/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { json } from '../support/helpers.js';
import { miRequest } from '../support/miRequest.js';

const [UAMI] = EMULATOR_USER_ASSIGNED_IDENTITIES as [(typeof EMULATOR_USER_ASSIGNED_IDENTITIES)[0]];
const SYSTEM = EMULATOR_SYSTEM_ASSIGNED_IDENTITY;

describe('host environments', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ managedIdentity: { systemAssigned: false } });
  });
  afterAll(() => emulator.stop());

  it('gives the variables each host sets', () => {
    const mi = emulator.managedIdentity;
    expect(mi.imdsHost).toBe(mi.url);
    expect(mi.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mi.env('imds')).toEqual({ AZURE_POD_IDENTITY_AUTHORITY_HOST: mi.url });
    expect(mi.env('appService')).toEqual({
      IDENTITY_ENDPOINT: `${mi.url}/msi/token`,
      IDENTITY_HEADER: mi.appServiceSecret,
    });
    expect(mi.env('serviceFabric')).toEqual({
      IDENTITY_ENDPOINT: mi.serviceFabricEndpoint,
      IDENTITY_HEADER: mi.serviceFabricSecret,
      IDENTITY_SERVER_THUMBPRINT: mi.serviceFabricThumbprint,
      IDENTITY_API_VERSION: '2019-07-01-preview',
    });
    expect(mi.env('machineLearning')).toEqual({
      MSI_ENDPOINT: mi.machineLearningEndpoint,
      MSI_SECRET: mi.machineLearningSecret,
      DEFAULT_IDENTITY_CLIENT_ID: SYSTEM.clientId,
    });
    expect(mi.env('cloudShell')).toEqual({ MSI_ENDPOINT: mi.cloudShellEndpoint });
    expect(mi.env('arc')).toEqual({
      IDENTITY_ENDPOINT: `${mi.url}/arc/metadata/identity/oauth2/token`,
      IMDS_ENDPOINT: `${mi.url}/arc`,
    });
  });

  it('has no system-assigned identity when told so, but still the user-assigned ones', async () => {
    const mi = emulator.managedIdentity;
    expect(mi.systemAssignedEnabled).toBe(false);
    const system = await miRequest(mi, 'imds');
    expect(system.status).toBe(400);
    expect(json(system)).toEqual({
      error: 'invalid_request',
      error_description: 'Identity not found',
    });
    const user = await miRequest(mi, 'imds', { params: { client_id: UAMI.clientId } });
    expect(user.status).toBe(200);
  });

  it('answers Arc with 404 when no key directory is set', async () => {
    const result = await miRequest(emulator.managedIdentity, 'arc');
    expect(result.status).toBe(404);
    expect(result.text).toContain('arcKeyDirectory');
    expect(() => emulator.managedIdentity.arcRealmOverride('/tmp/x.key')).toThrow(/Arc/);
  });
});
