/**
 * Instances with one identity share one stream and the first attached acquires for all of them,
 * so each setting that changes what an acquisition does or may return must keep instances apart:
 * two instances that differ only in it each behave per their own settings, and two identical
 * instances still share one token request.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import {
  AuthenticationError,
  AzurePipelinesCredential,
  CredentialUnavailableError,
  WorkloadIdentityCredential,
  type AzurePipelinesCredentialOptions,
  type TokenManager,
  type WorkloadIdentityCredentialOptions,
} from '../../../src/index.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { TokenManagers } from '../../support/tokenManagers.js';

const WORKLOAD_APP = 'f2f2f2f2-0000-4000-8000-0000000000f2';
const PIPELINE_APP = 'f3f3f3f3-0000-4000-8000-0000000000f3';
const OTHER = '0ddba11c-0000-4000-8000-0000000000d2';
const SUBJECT = 'system:serviceaccount:default:identity-settings';
const CONNECTION = '5d5d5d5d-0000-4000-8000-00000000005d';
const STORAGE = 'https://storage.azure.com/.default';

let em: Emulator;
let dir: string;
let tokenFile: string;
const managers = new TokenManagers();
let manager: TokenManager;

beforeAll(async () => {
  em = await startEmulator({ pipelines: { serviceConnections: [{ id: CONNECTION }] } });
  const pipelineSubject = `sc://emulator-org/emulator-project/${CONNECTION}`;
  // Both apps exist in a second tenant too, so a request for it succeeds when it is allowed.
  for (const tenantId of [em.tenantId, OTHER]) {
    em.registerApp({
      clientId: WORKLOAD_APP,
      tenantId,
      federatedCredentials: [{ issuer: em.issuers.kubernetes, subject: SUBJECT }],
    });
    em.registerApp({
      clientId: PIPELINE_APP,
      tenantId,
      federatedCredentials: [{ issuer: em.issuers.azureDevOps, subject: pipelineSubject }],
    });
  }
  dir = mkdtempSync(join(tmpdir(), 'ri-identity-'));
  tokenFile = join(dir, 'token');
  writeFileSync(
    tokenFile,
    await em.issueFederatedToken({ issuer: em.issuers.kubernetes, subject: SUBJECT }),
  );
});
beforeEach(() => {
  // One engine per test, shared by the instances the test makes.
  manager = managers.create();
});
afterEach(async () => {
  await managers.closeAll();
});
afterAll(async () => {
  await em.stop();
  rmSync(dir, { recursive: true, force: true });
});

const tokenRequests = (tenant: string) =>
  em.requests.filter((r) => r.route === 'token' && r.path === `/${tenant}/oauth2/v2.0/token`)
    .length;
const tenantOf = (token: { token: string }) => decodeJwt(token.token).tid;

describe('WorkloadIdentityCredential instances that differ in one setting', () => {
  const workload = (extra: WorkloadIdentityCredentialOptions = {}) =>
    new WorkloadIdentityCredential({
      authorityHost: em.url,
      tlsOptions: { ca: em.ca },
      tokenManager: manager,
      tenantId: em.tenantId,
      clientId: WORKLOAD_APP,
      tokenFilePath: tokenFile,
      env: {},
      ...extra,
    });

  it('a strict instance attached after a permissive one refuses a tenant it does not allow', async () => {
    const permissive = workload({ additionallyAllowedTenants: [OTHER] });
    const strict = workload();
    const before = tokenRequests(OTHER);
    await expect(strict.getToken(STORAGE, { tenantId: OTHER })).rejects.toBeInstanceOf(
      CredentialUnavailableError,
    );
    expect(tokenRequests(OTHER)).toBe(before);
    expect(tenantOf(await permissive.getToken(STORAGE, { tenantId: OTHER }))).toBe(OTHER);
  });

  it('a permissive instance attached after a strict one gets the tenant it allows', async () => {
    const strict = workload();
    const permissive = workload({ additionallyAllowedTenants: ['*'] });
    expect(tenantOf(await permissive.getToken(STORAGE, { tenantId: OTHER }))).toBe(OTHER);
    await expect(strict.getToken(STORAGE, { tenantId: OTHER })).rejects.toBeInstanceOf(
      CredentialUnavailableError,
    );
  });

  it('an instance whose environment disables multi-tenant auth keeps its tenant, the other does not', async () => {
    const single = workload({
      additionallyAllowedTenants: ['*'],
      env: { AZURE_IDENTITY_DISABLE_MULTITENANTAUTH: 'true' },
    });
    const multi = workload({ additionallyAllowedTenants: ['*'] });
    expect(tenantOf(await single.getToken(STORAGE, { tenantId: OTHER }))).toBe(em.tenantId);
    expect(tenantOf(await multi.getToken(STORAGE, { tenantId: OTHER }))).toBe(OTHER);
  });

  it('each instance asks its own authority host', async () => {
    const second = await startEmulator();
    try {
      const first = workload();
      const elsewhere = workload({ authorityHost: second.url, tlsOptions: { ca: second.ca } });
      await first.getToken(STORAGE);
      const before = { first: em.counters.get('token'), second: second.counters.get('token') };
      // The second authority does not know the app: what matters is who was asked.
      await elsewhere.getToken(STORAGE).catch((e: unknown) => e);
      expect(second.counters.get('token') - before.second).toBe(1);
      expect(em.counters.get('token') - before.first).toBe(0);
    } finally {
      await managers.closeAll();
      await second.stop();
    }
  });

  it('identical instances still share one token request', async () => {
    const [a, b] = [
      workload({ additionallyAllowedTenants: [OTHER] }),
      workload({ additionallyAllowedTenants: [OTHER] }),
    ];
    const before = em.counters.get('token');
    const [ta, tb] = await Promise.all([a.getToken(STORAGE), b.getToken(STORAGE)]);
    expect(tb.token).toBe(ta.token);
    expect(em.counters.get('token') - before).toBe(1);
    expect(a.identityId).toBe(b.identityId);
  });
});

describe('AzurePipelinesCredential instances that differ in one setting', () => {
  const pipeline = (
    systemAccessToken = em.pipelines.systemAccessToken,
    extra: AzurePipelinesCredentialOptions = {},
  ) =>
    new AzurePipelinesCredential(em.tenantId, PIPELINE_APP, CONNECTION, systemAccessToken, {
      authorityHost: em.url,
      tlsOptions: { ca: em.ca },
      tokenManager: manager,
      env: em.pipelines.env(),
      ...extra,
    });
  const STALE = 'stale-system-access-token-canary';

  it('a fresh system token works after an instance with a stale one attached first', async () => {
    const stale = pipeline(STALE);
    const fresh = pipeline();
    expect(decodeJwt((await fresh.getToken(STORAGE)).token)).toMatchObject({
      appid: PIPELINE_APP,
    });
    const error = await stale.getToken(STORAGE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).statusCode).toBe(401);
  });

  it('a stale system token is not covered by a fresh instance attached first', async () => {
    const fresh = pipeline();
    const stale = pipeline(STALE);
    await fresh.getToken(STORAGE);
    const error = await stale.getToken(STORAGE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
  });

  it('keys on a one-way digest of the system token, never the token itself', () => {
    const a = pipeline(STALE);
    expect(a.identityId).not.toContain(STALE);
    expect(a.identityId).not.toContain(em.pipelines.systemAccessToken);
    expect(pipeline(STALE).identityId).toBe(a.identityId);
    expect(pipeline().identityId).not.toBe(a.identityId);
  });

  it('an instance outside a pipeline does not make a later one inside it unavailable', async () => {
    const outside = pipeline(undefined, { env: {} });
    const inside = pipeline();
    expect(decodeJwt((await inside.getToken(STORAGE)).token)).toMatchObject({
      appid: PIPELINE_APP,
    });
    await expect(outside.getToken(STORAGE)).rejects.toBeInstanceOf(CredentialUnavailableError);
  });

  it('a strict and a permissive instance each follow their own tenant rule', async () => {
    const permissive = pipeline(undefined, { additionallyAllowedTenants: [OTHER] });
    const strict = pipeline();
    const before = tokenRequests(OTHER);
    await expect(strict.getToken(STORAGE, { tenantId: OTHER })).rejects.toBeInstanceOf(
      CredentialUnavailableError,
    );
    expect(tokenRequests(OTHER)).toBe(before);
    expect(tenantOf(await permissive.getToken(STORAGE, { tenantId: OTHER }))).toBe(OTHER);
  });

  it('a permissive instance attached after a strict one gets the tenant it allows', async () => {
    pipeline();
    const permissive = pipeline(undefined, { additionallyAllowedTenants: ['*'] });
    expect(tenantOf(await permissive.getToken(STORAGE, { tenantId: OTHER }))).toBe(OTHER);
  });

  it('identical instances still share one OIDC request and one token request', async () => {
    const [a, b] = [pipeline(), pipeline()];
    const before = { oidc: em.counters.get('pipelines'), token: em.counters.get('token') };
    const [ta, tb] = await Promise.all([a.getToken(STORAGE), b.getToken(STORAGE)]);
    expect(tb.token).toBe(ta.token);
    expect(em.counters.get('pipelines') - before.oidc).toBe(1);
    expect(em.counters.get('token') - before.token).toBe(1);
  });
});
