/**
 * User credentials of one identity share one stream, and the first attached acquires for all:
 * instances that differ only in their tenant rule must not share, identical ones still do.
 */
import { decodeJwt } from 'jose';
import { TokenManager, UsernamePasswordCredential } from '../../../src/index.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { TokenManagers } from '../../support/tokenManagers.js';

const PUBLIC_ID = 'a1b2c3d4-0000-4000-8000-0000000010e1';
const OTHER = '0ddba11c-0000-4000-8000-0000000010e2';
const STORAGE = 'https://storage.azure.com/.default';
// A user of both tenants.
const USER = { username: 'both@contoso.test', password: 'both~password-canary' };

let em: Emulator;
const managers = new TokenManagers();
let manager: TokenManager;

beforeAll(async () => {
  em = await startEmulator();
  for (const tenantId of [em.tenantId, OTHER]) {
    em.registerApp({ clientId: PUBLIC_ID, tenantId, publicClient: true });
    em.registerUser({ ...USER, tenantId });
  }
});
beforeEach(() => {
  manager = managers.create();
  em.counters.reset();
});
afterEach(async () => {
  await managers.closeAll();
});
afterAll(async () => {
  await em.stop();
});

const passwordCredential = (
  extra: { additionallyAllowedTenants?: string[]; env?: Record<string, string> } = {},
) =>
  new UsernamePasswordCredential(em.tenantId, PUBLIC_ID, USER.username, USER.password, {
    authorityHost: em.url,
    tlsOptions: { ca: em.ca },
    env: {},
    tokenManager: manager,
    ...extra,
  });

describe('UsernamePasswordCredential instances that differ in their tenant rule', () => {
  it('an instance whose environment disables multi-tenant auth does not decide for another', async () => {
    const single = passwordCredential({
      additionallyAllowedTenants: ['*'],
      env: { AZURE_IDENTITY_DISABLE_MULTITENANTAUTH: 'true' },
    });
    const multi = passwordCredential({ additionallyAllowedTenants: ['*'] });
    expect(decodeJwt((await single.getToken(STORAGE, { tenantId: OTHER })).token).tid).toBe(
      em.tenantId,
    );
    expect(decodeJwt((await multi.getToken(STORAGE, { tenantId: OTHER })).token).tid).toBe(OTHER);
  });

  it('identical instances still share one token request', async () => {
    const a = passwordCredential({ additionallyAllowedTenants: ['*'] });
    const b = passwordCredential({ additionallyAllowedTenants: ['*'] });
    expect((await a.getToken(STORAGE)).token).toBe((await b.getToken(STORAGE)).token);
    expect(em.counters.get('token')).toBe(1);
  });
});
