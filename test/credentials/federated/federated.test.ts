import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import {
  AuthenticationError,
  AzurePipelinesCredential,
  CredentialUnavailableError,
  WorkloadIdentityCredential,
} from '../../../src/index.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { TokenManagers } from '../../support/tokenManagers.js';

const WORKLOAD_APP = 'f0f0f0f0-0000-4000-8000-0000000000f0';
const PIPELINE_APP = 'f1f1f1f1-0000-4000-8000-0000000000f1';
const SUBJECT = 'system:serviceaccount:default:workload';
const CONNECTION = '5c5c5c5c-0000-4000-8000-00000000005c';
const STORAGE = 'https://storage.azure.com/.default';
const GRAPH = 'https://graph.microsoft.com/.default';

let em: Emulator;
let dir: string;
const managers = new TokenManagers();

beforeAll(async () => {
  em = await startEmulator({ pipelines: { serviceConnections: [{ id: CONNECTION }] } });
  em.registerApp({
    clientId: WORKLOAD_APP,
    federatedCredentials: [{ issuer: em.issuers.kubernetes, subject: SUBJECT }],
  });
  em.registerApp({
    clientId: PIPELINE_APP,
    federatedCredentials: [
      {
        issuer: em.issuers.azureDevOps,
        subject: `sc://emulator-org/emulator-project/${CONNECTION}`,
      },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'ri-wi-'));
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
  rmSync(dir, { recursive: true, force: true });
});

const common = () => ({
  authorityHost: em.url,
  tlsOptions: { ca: em.ca },
  tokenManager: managers.create(),
});

describe('WorkloadIdentityCredential', () => {
  const projected = (lifetimeSeconds = 3600) =>
    em.issueFederatedToken({ issuer: em.issuers.kubernetes, subject: SUBJECT, lifetimeSeconds });

  it('reads AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE', async () => {
    const path = join(dir, 'token');
    writeFileSync(path, await projected());
    const credential = new WorkloadIdentityCredential({
      ...common(),
      env: {
        AZURE_TENANT_ID: em.tenantId,
        AZURE_CLIENT_ID: WORKLOAD_APP,
        AZURE_FEDERATED_TOKEN_FILE: path,
      },
    });
    expect(decodeJwt((await credential.getToken(STORAGE)).token)).toMatchObject({
      appid: WORKLOAD_APP,
    });
  });

  it('picks up a rotated token file without a restart', async () => {
    const path = join(dir, 'rotating');
    writeFileSync(path, await projected(-60)); // already expired: the authority says AADSTS700024
    const credential = new WorkloadIdentityCredential({
      ...common(),
      tenantId: em.tenantId,
      clientId: WORKLOAD_APP,
      tokenFilePath: path,
      env: {},
    });
    const stale = (await credential
      .getToken(STORAGE)
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(stale.errorResponse.errorCodes).toEqual([700024]);
    writeFileSync(path, await projected());
    const later = new Date(statSync(path).mtimeMs + 2_000);
    utimesSync(path, later, later);
    expect(decodeJwt((await credential.getToken(STORAGE)).token)).toMatchObject({
      appid: WORKLOAD_APP,
    });
  });

  it.each([
    [
      'nothing configured',
      {},
      'missing tenantId (AZURE_TENANT_ID), clientId (AZURE_CLIENT_ID), tokenFilePath (AZURE_FEDERATED_TOKEN_FILE)',
    ],
    [
      'no token file variable',
      { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' },
      'missing tokenFilePath (AZURE_FEDERATED_TOKEN_FILE)',
    ],
  ])('is unavailable with %s, naming what is missing', async (_name, env, message) => {
    const error = await new WorkloadIdentityCredential({ ...common(), env })
      .getToken(STORAGE)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialUnavailableError);
    expect((error as Error).message).toContain(message);
  });

  it.each([
    ['missing', () => join(dir, 'nope')],
    ['empty', () => (writeFileSync(join(dir, 'empty'), ''), join(dir, 'empty'))],
  ])('is unavailable when the token file is %s, naming the path', async (_name, path) => {
    const file = path();
    const credential = new WorkloadIdentityCredential({
      ...common(),
      tenantId: em.tenantId,
      clientId: WORKLOAD_APP,
      tokenFilePath: file,
      env: {},
    });
    const error = await credential.getToken(STORAGE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialUnavailableError);
    expect((error as Error).message).toContain(file);
  });
});

describe('AzurePipelinesCredential', () => {
  const pipeline = (token = em.pipelines.systemAccessToken, env = em.pipelines.env()) =>
    new AzurePipelinesCredential(em.tenantId, PIPELINE_APP, CONNECTION, token, {
      ...common(),
      env,
    });

  it("exchanges the job's OIDC token for an Entra token, asking for a fresh one each time", async () => {
    const credential = pipeline();
    const before = em.counters.get('pipelines');
    expect(decodeJwt((await credential.getToken(STORAGE)).token)).toMatchObject({
      appid: PIPELINE_APP,
    });
    await credential.getToken(GRAPH);
    expect(em.counters.get('pipelines') - before).toBe(2);
    const request = em.requests.filter((r) => r.route === 'pipelines').at(-1)!;
    expect(request).toMatchObject({
      method: 'POST',
      query: { 'api-version': '7.1', serviceConnectionId: CONNECTION },
      headers: expect.objectContaining({
        'content-type': 'application/json',
        'x-tfs-fedauthredirect': 'Suppress',
        authorization: 'Bearer <redacted>',
      }),
    });
  });

  it('fails a wrong system token with the status and trace headers, never the token', async () => {
    const wrong = 'wrong-system-access-token-canary';
    const error = (await pipeline(wrong)
      .getToken(STORAGE)
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.statusCode).toBe(401);
    expect(error.message).toMatch(/x-vss-e2eid: \S+/);
    expect(error.message).not.toContain(wrong);
  });

  it('is unavailable outside a pipeline (no SYSTEM_OIDCREQUESTURI)', async () => {
    await expect(
      pipeline(em.pipelines.systemAccessToken, {}).getToken(STORAGE),
    ).rejects.toBeInstanceOf(CredentialUnavailableError);
  });

  it('refuses missing arguments at construction', () => {
    expect(() => new AzurePipelinesCredential(em.tenantId, PIPELINE_APP, '', 'x')).toThrow(
      CredentialUnavailableError,
    );
  });
});
