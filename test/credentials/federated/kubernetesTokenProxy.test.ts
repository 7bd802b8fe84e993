import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { CredentialUnavailableError, WorkloadIdentityCredential } from '../../../src/index.js';
import {
  startEmulator,
  type Emulator,
  type KubernetesTokenProxyEmulator,
} from '../../../src/emulator/index.js';
import { TokenManagers } from '../../support/tokenManagers.js';

const APP = 'f2f2f2f2-0000-4000-8000-0000000000f2';
const SUBJECT = 'system:serviceaccount:default:bound-workload';
const scope = (n: number) => `https://resource-${n}.example.com/.default`;

let em: Emulator;
let proxy: KubernetesTokenProxyEmulator;
let dir: string;
let tokenFile: string;
const managers = new TokenManagers();
const credentials: WorkloadIdentityCredential[] = [];
let nextScope = 0;

beforeAll(async () => {
  em = await startEmulator();
  em.registerApp({
    clientId: APP,
    federatedCredentials: [{ issuer: em.issuers.kubernetes, subject: SUBJECT }],
  });
  proxy = await em.startKubernetesTokenProxy();
  dir = mkdtempSync(join(tmpdir(), 'ri-aks-'));
  tokenFile = join(dir, 'token');
  writeFileSync(
    tokenFile,
    await em.issueFederatedToken({ issuer: em.issuers.kubernetes, subject: SUBJECT }),
  );
});
afterEach(async () => {
  await Promise.all(credentials.splice(0).map((credential) => credential.close()));
  await managers.closeAll();
});
afterAll(async () => {
  await em.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A bound workload's credential: the emulator's CA is trusted only for direct requests. */
function workload(
  env: Record<string, string>,
  enableAzureProxy = true,
): WorkloadIdentityCredential {
  const credential = new WorkloadIdentityCredential({
    authorityHost: em.url,
    tlsOptions: { ca: em.ca },
    tokenManager: managers.create(),
    enableAzureProxy,
    env: {
      AZURE_TENANT_ID: em.tenantId,
      AZURE_CLIENT_ID: APP,
      AZURE_FEDERATED_TOKEN_FILE: tokenFile,
      ...env,
    },
  });
  credentials.push(credential);
  return credential;
}

/** Runs `work` and says how many requests the authority saw, and how many came by the proxy. */
async function traffic(work: () => Promise<unknown>): Promise<{ total: number; proxied: number }> {
  const [total, proxied] = [em.counters.total(), proxy.requests()];
  await work();
  return { total: em.counters.total() - total, proxied: proxy.requests() - proxied };
}

describe('WorkloadIdentityCredential enableAzureProxy (AKS identity binding)', () => {
  it('sends every request through the proxy, with its SNI name and CA', async () => {
    const credential = workload(proxy.env());
    let token = '';
    const seen = await traffic(async () => {
      token = (await credential.getToken(scope(nextScope++))).token;
    });
    expect(decodeJwt(token)).toMatchObject({ appid: APP });
    expect(seen.proxied).toBeGreaterThan(0);
    expect(seen.proxied).toBe(seen.total);
    expect(proxy.refusedHandshakes()).toBe(0);
  });

  it('talks to the authority itself without the option, or without AZURE_KUBERNETES_TOKEN_PROXY', async () => {
    const ignored = workload(proxy.env(), false);
    const unset = workload({});
    for (const credential of [ignored, unset]) {
      const seen = await traffic(() => credential.getToken(scope(nextScope++)));
      expect(seen).toEqual({ total: expect.any(Number), proxied: 0 });
      expect(seen.total).toBeGreaterThan(0);
    }
  });

  it('keeps the path prefix of the proxy URL', async () => {
    const prefixed = await em.startKubernetesTokenProxy({ pathPrefix: '/aks/identity/' });
    expect(prefixed.url).toMatch(/\/aks\/identity$/);
    const credential = workload(prefixed.env());
    await credential.getToken(scope(nextScope++));
    expect(prefixed.requests()).toBeGreaterThan(0);
  });

  it('re-reads AZURE_KUBERNETES_CA_FILE: a rotated CA is used, an empty file mid-rotation keeps the last one', async () => {
    const rotating = await em.startKubernetesTokenProxy({ sniName: 'rotating.proxy.local' });
    const caFile = join(dir, 'proxy-ca.pem');
    writeFileSync(caFile, rotating.ca);
    const { AZURE_KUBERNETES_TOKEN_PROXY, AZURE_KUBERNETES_SNI_NAME } = rotating.env();
    const credential = workload({
      AZURE_KUBERNETES_TOKEN_PROXY,
      AZURE_KUBERNETES_SNI_NAME,
      AZURE_KUBERNETES_CA_FILE: caFile,
    });
    await credential.getToken(scope(nextScope++));
    const before = rotating.requests();
    expect(before).toBeGreaterThan(0);

    writeFileSync(caFile, ''); // the kubelet is half way through writing the new CA
    await credential.getToken(scope(nextScope++));

    writeFileSync(caFile, await rotating.rotateCertificate());
    await credential.getToken(scope(nextScope++));
    expect(rotating.requests()).toBeGreaterThan(before + 1);
    expect(rotating.refusedHandshakes()).toBe(0);
  });

  it('refuses a handshake for another server name (so success above proves the SNI was sent)', async () => {
    const { request } = await import('node:https');
    const status = await new Promise<string>((resolve) => {
      const req = request(`${proxy.url}/`, { ca: proxy.ca, servername: 'someone.else' }, () =>
        resolve('answered'),
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      req.end();
    });
    expect(status).not.toBe('answered');
    expect(proxy.refusedHandshakes()).toBeGreaterThan(0);
  });

  const caFileMissing = () => join(dir, 'no-such-ca.pem');
  const emptyCaFile = () => {
    const path = join(dir, 'empty-ca.pem');
    writeFileSync(path, '');
    return path;
  };
  const misconfigured: [string, () => Record<string, string>, RegExp][] = [
    [
      'the SNI name without the proxy',
      () => ({ AZURE_KUBERNETES_SNI_NAME: 'x.local' }),
      /AZURE_KUBERNETES_TOKEN_PROXY is not set/,
    ],
    [
      'a CA file and CA data',
      () => ({ ...proxy.env(), AZURE_KUBERNETES_CA_FILE: emptyCaFile() }),
      /mutually exclusive/,
    ],
    [
      'an http proxy',
      () => ({ AZURE_KUBERNETES_TOKEN_PROXY: 'http://127.0.0.1:1' }),
      /must use https, not "http:"/,
    ],
    [
      'a proxy URL with a query',
      () => ({ AZURE_KUBERNETES_TOKEN_PROXY: 'https://127.0.0.1:1/?sig=abc' }),
      /must not contain a query/,
    ],
    [
      'a proxy URL with a fragment',
      () => ({ AZURE_KUBERNETES_TOKEN_PROXY: 'https://127.0.0.1:1/#f' }),
      /must not contain a fragment/,
    ],
    [
      'a proxy URL with user info',
      () => ({ AZURE_KUBERNETES_TOKEN_PROXY: 'https://user:hunter2-secret@127.0.0.1:1/' }),
      /must not contain user info/,
    ],
    [
      'a proxy that is not a URL',
      () => ({ AZURE_KUBERNETES_TOKEN_PROXY: 'not a url' }),
      /not a URL/,
    ],
    [
      'CA data that holds no certificate',
      () => ({ ...proxy.env(), AZURE_KUBERNETES_CA_DATA: 'garbage' }),
      /AZURE_KUBERNETES_CA_DATA holds no valid PEM certificate/,
    ],
    [
      'a CA file that does not exist',
      () => ({
        AZURE_KUBERNETES_TOKEN_PROXY: proxy.url,
        AZURE_KUBERNETES_CA_FILE: caFileMissing(),
      }),
      /Failed to read the CA file.*ENOENT/,
    ],
    [
      'an empty CA file before any CA was read',
      () => ({ AZURE_KUBERNETES_TOKEN_PROXY: proxy.url, AZURE_KUBERNETES_CA_FILE: emptyCaFile() }),
      /CA file in AZURE_KUBERNETES_CA_FILE is empty/,
    ],
  ];
  it.each(misconfigured)(
    'is unavailable with %s, saying why, with no request',
    async (_, env, why) => {
      const credential = workload(env());
      const seen = await traffic(async () => {
        const error = await credential.getToken(scope(nextScope++)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CredentialUnavailableError);
        expect((error as Error).message).toMatch(why);
        expect((error as Error).message).not.toContain('hunter2-secret');
      });
      expect(seen.total).toBe(0);
    },
  );
});
