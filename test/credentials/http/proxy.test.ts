import { decodeJwt } from 'jose';
import {
  AuthenticationError,
  AzurePipelinesCredential,
  ClientSecretCredential,
  InvalidArgumentError,
  ManagedIdentityCredential,
  type ClientSecretCredentialOptions,
} from '../../../src/index.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { startConnectProxy, type ConnectProxy } from '../../support/connectProxy.js';
import { TokenManagers } from '../../support/tokenManagers.js';

const APP = 'e3e3e3e3-0000-4000-8000-0000000000e3';
const SECRET = 'proxy-test-client-secret';
const PIPELINE_APP = 'e4e4e4e4-0000-4000-8000-0000000000e4';
const CONNECTION = '4e4e4e4e-0000-4000-8000-00000000004e';
const PROXY_PASSWORD = 'proxy-pa$$word-secret';
const scope = (n: number) => `https://proxied-${n}.example.com/.default`;

let em: Emulator;
let proxy: ConnectProxy;
let guarded: ConnectProxy;
let emHost: string;
let next = 0;
const managers = new TokenManagers();
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  em = await startEmulator({ pipelines: { serviceConnections: [{ id: CONNECTION }] } });
  em.registerApp({ clientId: APP, clientSecret: SECRET });
  em.registerApp({
    clientId: PIPELINE_APP,
    federatedCredentials: [
      {
        issuer: em.issuers.azureDevOps,
        subject: `sc://emulator-org/emulator-project/${CONNECTION}`,
      },
    ],
  });
  [proxy, guarded] = await Promise.all([
    startConnectProxy(),
    startConnectProxy(`operator:${PROXY_PASSWORD}`),
  ]);
  emHost = new URL(em.url).host;
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((credential) => credential.close()));
  await managers.closeAll();
});
afterAll(async () => {
  await Promise.all([proxy.stop(), guarded.stop()]);
  await em.stop();
});

function secretCredential(options: ClientSecretCredentialOptions): ClientSecretCredential {
  const credential = new ClientSecretCredential(em.tenantId, APP, SECRET, {
    authorityHost: em.url,
    tlsOptions: { ca: em.ca },
    tokenManager: managers.create(),
    ...options,
  });
  open.push(credential);
  return credential;
}

/** The tunnels `work` opened through `through`. */
async function tunnelsOf(through: ConnectProxy, work: () => Promise<unknown>): Promise<string[]> {
  const before = through.tunnels.length;
  await work();
  return through.tunnels.slice(before);
}

describe('HTTP proxy (proxyOptions, HTTPS_PROXY, NO_PROXY)', () => {
  it('tunnels the authority requests through proxyOptions', async () => {
    const credential = secretCredential({
      proxyOptions: { host: 'http://127.0.0.1', port: proxy.port },
      env: {},
    });
    let token = '';
    const tunnels = await tunnelsOf(proxy, async () => {
      token = (await credential.getToken(scope(next++))).token;
    });
    expect(decodeJwt(token)).toMatchObject({ appid: APP });
    expect(tunnels.length).toBeGreaterThan(0);
    expect(new Set(tunnels)).toEqual(new Set([emHost]));
  });

  it.each(['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'HTTP_PROXY'])(
    'takes the proxy from %s',
    async (name) => {
      const credential = secretCredential({ env: { [name]: proxy.url } });
      const tunnels = await tunnelsOf(proxy, () => credential.getToken(scope(next++)));
      expect(tunnels).toContain(emHost);
    },
  );

  it.each([
    ['the host', '127.0.0.1', 0],
    ['a list holding the host', 'localhost, 127.0.0.1', 0],
    ['*', '*', 0],
    ['another domain only', '.example.com,login.example.net', 1],
  ])('NO_PROXY with %s decides whether the authority is reached directly', async (_, list, n) => {
    const credential = secretCredential({ env: { HTTPS_PROXY: proxy.url, NO_PROXY: list } });
    const tunnels = await tunnelsOf(proxy, () => credential.getToken(scope(next++)));
    expect(tunnels.length > 0 ? 1 : 0).toBe(n);
  });

  it('sends proxy credentials as Proxy-Authorization, and a refusal never shows the password', async () => {
    const allowed = secretCredential({
      proxyOptions: {
        host: 'http://127.0.0.1',
        port: guarded.port,
        username: 'operator',
        password: PROXY_PASSWORD,
      },
    });
    await allowed.getToken(scope(next++));
    expect(guarded.authorizations.at(-1)).toBe(
      `Basic ${Buffer.from(`operator:${PROXY_PASSWORD}`).toString('base64')}`,
    );

    const refused = secretCredential({
      env: { HTTPS_PROXY: `http://operator:wrong-${PROXY_PASSWORD}@127.0.0.1:${guarded.port}` },
    });
    const error = await refused.getToken(scope(next++)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).statusCode).toBe(407);
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain(PROXY_PASSWORD);
  });

  it('refuses a malformed proxy at construction, without echoing it', () => {
    expect(() => secretCredential({ proxyOptions: { host: '127.0.0.1', port: 8080 } })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      secretCredential({ proxyOptions: { host: 'http://127.0.0.1', port: 70_000 } }),
    ).toThrow(/port/);
    expect(() =>
      secretCredential({ proxyOptions: { host: 'socks5://127.0.0.1', port: 1 } }),
    ).toThrow(/http:\/\/ or https:\/\//);
    let thrown: unknown;
    try {
      secretCredential({ env: { HTTPS_PROXY: `not a url ${PROXY_PASSWORD}` } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    expect((thrown as Error).message).not.toContain(PROXY_PASSWORD);
  });

  it('sends Azure Pipelines OIDC requests through the proxy too', async () => {
    const credential = new AzurePipelinesCredential(
      em.tenantId,
      PIPELINE_APP,
      CONNECTION,
      em.pipelines.systemAccessToken,
      {
        authorityHost: em.url,
        tlsOptions: { ca: em.ca },
        tokenManager: managers.create(),
        env: { ...em.pipelines.env(), HTTPS_PROXY: proxy.url },
      },
    );
    open.push(credential);
    const before = em.counters.get('pipelines');
    const tunnels = await tunnelsOf(proxy, () => credential.getToken(scope(next++)));
    expect(em.counters.get('pipelines')).toBe(before + 1);
    // One tunnel for the OIDC endpoint's pool, at least one for the authority's.
    expect(tunnels.length).toBeGreaterThanOrEqual(2);
  });

  it('never sends managed identity requests through a proxy (the endpoints are local to the host)', async () => {
    const credential = new ManagedIdentityCredential({
      env: {
        ...em.managedIdentity.env('appService'),
        HTTPS_PROXY: proxy.url,
        HTTP_PROXY: proxy.url,
      },
      tokenManager: managers.create(),
    });
    open.push(credential);
    const tunnels = await tunnelsOf(proxy, () =>
      credential.getToken('https://management.azure.com/.default'),
    );
    expect(tunnels).toEqual([]);
  });
});
