import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import {
  CredentialUnavailableError,
  EnvironmentCredential,
  TokenManager,
} from '../../../src/index.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';

const CLIENT_ID = 'e1e1e1e1-0000-4000-8000-0000000000e1';
const SECRET = 'env-secret-value~canary';
const STORAGE = 'https://storage.azure.com/.default';

let em: Emulator;
let dir: string;
const managers: TokenManager[] = [];

beforeAll(async () => {
  em = await startEmulator({ apps: [{ clientId: CLIENT_ID, clientSecret: SECRET }] });
  dir = mkdtempSync(join(tmpdir(), 'ri-env-'));
});
afterAll(async () => {
  await Promise.all(managers.map((m) => m.close()));
  await em.stop();
  rmSync(dir, { recursive: true, force: true });
});

function credential(env: Record<string, string | undefined>) {
  const tokenManager = new TokenManager();
  managers.push(tokenManager);
  return new EnvironmentCredential({ env, tokenManager, tlsOptions: { ca: em.ca } });
}

describe('EnvironmentCredential', () => {
  it('uses AZURE_CLIENT_SECRET with AZURE_AUTHORITY_HOST', async () => {
    const token = await credential({
      AZURE_TENANT_ID: em.tenantId,
      AZURE_CLIENT_ID: CLIENT_ID,
      AZURE_CLIENT_SECRET: SECRET,
      AZURE_AUTHORITY_HOST: em.url,
    }).getToken(STORAGE);
    expect(decodeJwt(token.token)).toMatchObject({
      appid: CLIENT_ID,
      aud: 'https://storage.azure.com',
    });
  });

  it.each([
    [{}, 'AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH'],
    [
      { AZURE_TENANT_ID: 'contoso' },
      'AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH',
    ],
    [
      { AZURE_TENANT_ID: 'contoso', AZURE_CLIENT_ID: CLIENT_ID },
      'AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH',
    ],
    [{ AZURE_CLIENT_ID: CLIENT_ID, AZURE_CLIENT_SECRET: SECRET }, 'AZURE_TENANT_ID'],
  ])('is unavailable with %j, naming what is missing', async (env, missing) => {
    const error = await credential(env)
      .getToken(STORAGE)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialUnavailableError);
    expect((error as Error).message).toContain(`Missing environment variables: ${missing}.`);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('reads AZURE_ADDITIONALLY_ALLOWED_TENANTS as a ;-separated list', async () => {
    const cred = credential({
      AZURE_TENANT_ID: em.tenantId,
      AZURE_CLIENT_ID: CLIENT_ID,
      AZURE_CLIENT_SECRET: SECRET,
      AZURE_AUTHORITY_HOST: em.url,
      AZURE_ADDITIONALLY_ALLOWED_TENANTS: 'aaaa; bbbb',
    });
    await expect(cred.getToken(STORAGE, { tenantId: 'cccc' })).rejects.toBeInstanceOf(
      CredentialUnavailableError,
    );
    // An allowed tenant is tried at the authority (which does not know it).
    await expect(cred.getToken(STORAGE, { tenantId: 'bbbb' })).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it('refuses a malformed AZURE_TENANT_ID with InvalidArgumentError at construction', () => {
    expect(() =>
      credential({
        AZURE_TENANT_ID: 'bad/tenant',
        AZURE_CLIENT_ID: CLIENT_ID,
        AZURE_CLIENT_SECRET: SECRET,
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('prefers the secret over the certificate path, as the anchor does', async () => {
    const path = join(dir, 'not-used.pem');
    writeFileSync(path, 'not a certificate');
    const token = await credential({
      AZURE_TENANT_ID: em.tenantId,
      AZURE_CLIENT_ID: CLIENT_ID,
      AZURE_CLIENT_SECRET: SECRET,
      AZURE_CLIENT_CERTIFICATE_PATH: path,
      AZURE_AUTHORITY_HOST: em.url,
    }).getToken(STORAGE);
    expect(token.token).toMatch(/^eyJ/);
  });
});
