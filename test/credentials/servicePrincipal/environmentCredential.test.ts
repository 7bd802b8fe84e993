import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import {
  CredentialUnavailableError,
  EnvironmentCredential,
  TokenManager,
  type LogLevel,
} from '../../../src/index.js';
import { ENVIRONMENT_USERNAME_PASSWORD_WARNING } from '../../../src/credentials/servicePrincipal/environmentCredential.js';
import { EMULATOR_TEST_USER, startEmulator, type Emulator } from '../../../src/emulator/index.js';

const CLIENT_ID = 'e1e1e1e1-0000-4000-8000-0000000000e1';
const SECRET = 'env-secret-value~canary';
const STORAGE = 'https://storage.azure.com/.default';
const PUBLIC_ID = 'e2e2e2e2-0000-4000-8000-0000000000e2';

let em: Emulator;
let dir: string;
const managers: TokenManager[] = [];

beforeAll(async () => {
  em = await startEmulator({
    apps: [
      { clientId: CLIENT_ID, clientSecret: SECRET },
      { clientId: PUBLIC_ID, publicClient: true },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'ri-env-'));
});
afterAll(async () => {
  await Promise.all(managers.map((m) => m.close()));
  await em.stop();
  rmSync(dir, { recursive: true, force: true });
});

function credential(env: Record<string, string | undefined>, lines?: string[]) {
  const tokenManager = new TokenManager();
  managers.push(tokenManager);
  return new EnvironmentCredential({
    env,
    tokenManager,
    tlsOptions: { ca: em.ca },
    loggingOptions: lines && {
      logLevel: 'warning',
      sink: (level: LogLevel, line: string) => lines.push(`${level} ${line}`),
    },
  });
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

  it('uses AZURE_USERNAME and AZURE_PASSWORD third, as the anchor does, warning they are deprecated', async () => {
    const lines: string[] = [];
    const original = process.emitWarning;
    process.emitWarning = (() => undefined) as typeof original;
    let token;
    try {
      token = await credential(
        {
          AZURE_TENANT_ID: em.tenantId,
          AZURE_CLIENT_ID: PUBLIC_ID,
          AZURE_USERNAME: EMULATOR_TEST_USER.username,
          AZURE_PASSWORD: EMULATOR_TEST_USER.password,
          AZURE_AUTHORITY_HOST: em.url,
        },
        lines,
      ).getToken('https://graph.microsoft.com/User.Read');
    } finally {
      process.emitWarning = original;
    }
    expect(decodeJwt(token.token)).toMatchObject({ upn: EMULATOR_TEST_USER.username });
    expect(lines).toContain(
      `warning EnvironmentCredential => ${ENVIRONMENT_USERNAME_PASSWORD_WARNING}`,
    );
    expect(lines.join('\n')).not.toContain(EMULATOR_TEST_USER.password);
  });

  it('names the other half of a username and password that is set alone', async () => {
    const base = { AZURE_TENANT_ID: em.tenantId, AZURE_CLIENT_ID: PUBLIC_ID };
    const noPassword = await credential({ ...base, AZURE_USERNAME: 'ada@contoso.test' })
      .getToken(STORAGE)
      .catch((e: unknown) => e);
    expect(noPassword).toBeInstanceOf(CredentialUnavailableError);
    expect((noPassword as Error).message).toContain(
      'Missing environment variables: AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH (or AZURE_PASSWORD with AZURE_USERNAME).',
    );
    const noUsername = await credential({ ...base, AZURE_PASSWORD: 'pw-canary-value' })
      .getToken(STORAGE)
      .catch((e: unknown) => e);
    expect((noUsername as Error).message).toContain('(or AZURE_USERNAME with AZURE_PASSWORD)');
    expect((noUsername as Error).message).not.toContain('pw-canary-value');
  });
});
