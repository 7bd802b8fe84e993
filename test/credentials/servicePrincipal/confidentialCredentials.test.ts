import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import type { AccessToken } from '@azure/core-auth';
import {
  AuthorizationCodeCredential,
  ClientAssertionCredential,
  InteractiveBrowserCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DeviceCodeCredential,
  EnvironmentCredential,
  OnBehalfOfCredential,
  TokenManager,
  type ReactiveCredential,
} from '../../../src/index.js';
import { EMULATOR_TEST_USER, startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { certificateAssertion } from '../../../src/credentials/servicePrincipal/clientAssertionSigner.js';
import { loadClientCertificate } from '../../../src/credentials/servicePrincipal/clientCertificate.js';
import { makeClientCertificate, type TestCertificate } from '../../support/certificates.js';
import { TokenManagers } from '../../support/tokenManagers.js';
import { until } from '../../support/until.js';
import { emulatorRequest, playBrowser } from '../../support/userFlows.js';
import { VirtualClock } from '../../support/virtualClock.js';

const CERT_APP = 'ce7ce7ce-0000-4000-8000-0000000000ce';
const API_APP = 'a9ia9ia9-0000-4000-8000-0000000000a9'.replace(/i/g, '1');
const API_SECRET = 'api-secret~canary';
const PUBLIC_APP = 'b1b1b1b1-0000-4000-8000-0000000000b1';
const SECRET_APP = '5ec5ec5e-0000-4000-8000-00000000005e';
const SECRET = 'secret-app~canary';
const STORAGE = 'https://storage.azure.com/.default';
const GRAPH = 'https://graph.microsoft.com/.default';
const PASSWORD = 'pfx~password';
const MIN = 60_000;
const API_REDIRECT = 'https://api.contoso.test/signin';

let em: Emulator;
let authorityNow: () => number = () => Date.now();
afterEach(() => {
  authorityNow = () => Date.now();
});
let dir: string;
let certA: TestCertificate;
let certB: TestCertificate;
const managers = new TokenManagers();

beforeAll(async () => {
  certA = makeClientCertificate('cert A');
  certB = makeClientCertificate('cert B');
  em = await startEmulator({
    // The authority's clock: the wall clock, or a test's virtual clock while it runs.
    now: () => authorityNow(),
    deviceCodeIntervalSeconds: 0,
    apps: [
      { clientId: CERT_APP, certificates: [certA.certPem] },
      {
        clientId: API_APP,
        clientSecret: API_SECRET,
        certificates: [certA.certPem],
        redirectUris: [API_REDIRECT],
      },
      { clientId: PUBLIC_APP, publicClient: true, redirectUris: ['http://localhost'] },
      { clientId: SECRET_APP, clientSecret: SECRET },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'ri-conf-'));
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
  rmSync(dir, { recursive: true, force: true });
});

const common = (tokenManager = managers.create()) => ({
  authorityHost: em.url,
  tlsOptions: { ca: em.ca },
  env: {},
  tokenManager,
});
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** A user token for the middle-tier API, from a device code sign-in. */
async function userTokenForApi(): Promise<string> {
  const credential = new DeviceCodeCredential({
    ...common(),
    tenantId: em.tenantId,
    clientId: PUBLIC_APP,
    userPromptCallback: (info) => em.approveDeviceCode(info.userCode),
  });
  return (await credential.getToken(`api://${API_APP}/.default`)).token;
}

/** An authorization code for the web app, approved through the emulator's programmatic route. */
async function codeFor(clientId: string, redirectUri: string): Promise<string> {
  const authorizeUrl = `${em.url}/${em.tenantId}/oauth2/v2.0/authorize?${new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid offline_access https://storage.azure.com/.default',
    state: 'state',
  })}`;
  const res = await emulatorRequest(em, `${em.url}/_emulator/authorize`, {
    json: { authorizeUrl },
  });
  return new URL((JSON.parse(res.text) as { location: string }).location).searchParams.get('code')!;
}

/** A client assertion for the certificate app, signed by the test (RS256, x5t), on the authority's clock. */
const signAssertion = (): Promise<string> =>
  new SignJWT({
    aud: `${em.url}/${em.tenantId}/oauth2/v2.0/token`,
    iss: CERT_APP,
    sub: CERT_APP,
    jti: randomUUID(),
  })
    .setProtectedHeader({
      alg: 'RS256',
      typ: 'JWT',
      x5t: Buffer.from(
        new X509Certificate(certA.certPem).fingerprint.replace(/:/g, ''),
        'hex',
      ).toString('base64url'),
    })
    .setIssuedAt(Math.floor(authorityNow() / 1000))
    .setExpirationTime(Math.floor(authorityNow() / 1000) + 600)
    .sign(createPrivateKey(certA.keyPem));

describe('ClientCertificateCredential', () => {
  it.each([
    ['a PEM file', () => file('a.pem', certA.combinedPem), undefined],
    [
      'a PKCS#12 file with a password',
      () => ({
        certificatePath: file('a.pfx', certA.pfx(PASSWORD)),
        certificatePassword: PASSWORD,
      }),
      undefined,
    ],
    ['PEM text with the chain sent', () => ({ certificate: certA.combinedPem }), true],
  ])('gets a token with %s', async (_name, source, sendCertificateChain) => {
    const credential = new ClientCertificateCredential(em.tenantId, CERT_APP, source(), {
      ...common(),
      sendCertificateChain,
    });
    const token = await credential.getToken(STORAGE);
    expect(decodeJwt(token.token)).toMatchObject({ appid: CERT_APP, appidacr: '2' });
  });

  it('picks up a rotated certificate file without a restart', async () => {
    const path = file('rotating.pem', certA.combinedPem);
    const credential = new ClientCertificateCredential(em.tenantId, CERT_APP, path, common());
    await credential.getToken(STORAGE);
    em.registerApp({ clientId: CERT_APP, certificates: [certB.certPem] });
    writeFileSync(path, certB.combinedPem);
    const token = await credential.getToken(GRAPH);
    expect(decodeJwt(token.token)).toMatchObject({ appid: CERT_APP });
    em.registerApp({ clientId: CERT_APP, certificates: [certA.certPem] });
  });

  it('signs a fresh PS256 assertion per request with x5t#S256, x5c on request, aud the token endpoint', async () => {
    const now = Date.UTC(2026, 5, 1);
    const sign = certificateAssertion(
      CERT_APP,
      () => loadClientCertificate({ certificate: certA.combinedPem }, new Date()),
      {
        sendCertificateChain: true,
        now: () => now,
      },
    );
    const tokenEndpoint = `${em.url}/${em.tenantId}/oauth2/v2.0/token`;
    const [first, second] = [
      await sign({ clientId: CERT_APP, tokenEndpoint }),
      await sign({ clientId: CERT_APP, tokenEndpoint }),
    ];
    const decoded = { header: decodeProtectedHeader(first!), payload: decodeJwt(first!) };
    const thumbprint = Buffer.from(
      new X509Certificate(certA.certPem).fingerprint256.replace(/:/g, ''),
      'hex',
    ).toString('base64url');
    expect(decoded.header).toMatchObject({ alg: 'PS256', typ: 'JWT', 'x5t#S256': thumbprint });
    expect(decoded.header.x5c).toHaveLength(1);
    expect(decoded.payload).toMatchObject({
      aud: tokenEndpoint,
      iss: CERT_APP,
      sub: CERT_APP,
      nbf: now / 1000,
      exp: now / 1000 + 600,
    });
    expect(decodeJwt(second!).jti).not.toBe(decoded.payload.jti);
    // Exactly these fields, and a PS256 signature the certificate's key verifies.
    const leaf = new X509Certificate(certA.certPem);
    const verified = await compactVerify(first!, leaf.publicKey, { algorithms: ['PS256'] });
    expect(verified.protectedHeader).toEqual({
      alg: 'PS256',
      typ: 'JWT',
      'x5t#S256': thumbprint,
      x5c: [leaf.raw.toString('base64')],
    });
    expect(decoded.payload).toEqual({
      aud: tokenEndpoint,
      iss: CERT_APP,
      sub: CERT_APP,
      jti: expect.any(String),
      nbf: now / 1000,
      iat: now / 1000,
      exp: now / 1000 + 600,
    });
  });
});

describe('ClientAssertionCredential', () => {
  it('calls getAssertion for each acquisition', async () => {
    let calls = 0;
    const credential = new ClientAssertionCredential(
      em.tenantId,
      CERT_APP,
      async () => {
        calls++;
        return signAssertion();
      },
      common(),
    );
    await credential.getToken(STORAGE);
    await credential.getToken(GRAPH);
    await credential.getToken(STORAGE);
    expect(calls).toBe(2);
  });
});

describe('OnBehalfOfCredential', () => {
  let userToken: string;
  beforeAll(async () => {
    userToken = await userTokenForApi();
  });

  it.each([
    ['a client secret', () => ({ clientSecret: API_SECRET })],
    ['a certificate', () => ({ certificatePath: file('obo.pem', certA.combinedPem) })],
  ])('exchanges the user token for a downstream token with %s', async (_name, proof) => {
    const credential = new OnBehalfOfCredential({
      ...common(),
      tenantId: em.tenantId,
      clientId: API_APP,
      userAssertionToken: userToken,
      ...proof(),
    });
    const token = await credential.getToken(GRAPH);
    const user = decodeJwt(userToken);
    expect(decodeJwt(token.token)).toMatchObject({
      oid: user.oid,
      upn: EMULATOR_TEST_USER.username,
      aud: 'https://graph.microsoft.com',
    });
  });

  it('honours a per-request tenantId', async () => {
    const other = '0ddba11c-0000-4000-8000-0000000000dd';
    const credential = new OnBehalfOfCredential({
      ...common(),
      tenantId: em.tenantId,
      clientId: API_APP,
      clientSecret: API_SECRET,
      userAssertionToken: userToken,
      additionallyAllowedTenants: ['*'],
    });
    await credential.getToken(GRAPH, { tenantId: other }).catch(() => undefined);
    expect(em.requests.filter((r) => r.route === 'token').at(-1)!.path).toBe(
      `/${other}/oauth2/v2.0/token`,
    );
  });
});

describe('token streams of every credential', () => {
  const factories: [string, (m: TokenManager) => ReactiveCredential][] = [
    [
      'ClientSecretCredential',
      (m) => new ClientSecretCredential(em.tenantId, SECRET_APP, SECRET, common(m)),
    ],
    [
      'ClientCertificateCredential',
      (m) =>
        new ClientCertificateCredential(
          em.tenantId,
          CERT_APP,
          { certificate: certA.combinedPem },
          common(m),
        ),
    ],
    [
      'OnBehalfOfCredential',
      (m) =>
        new OnBehalfOfCredential({
          ...common(m),
          tenantId: em.tenantId,
          clientId: API_APP,
          clientSecret: API_SECRET,
          userAssertionToken: userTokenCache!,
        }),
    ],
    [
      'DeviceCodeCredential',
      (m) =>
        new DeviceCodeCredential({
          ...common(m),
          tenantId: em.tenantId,
          clientId: PUBLIC_APP,
          userPromptCallback: (info) => {
            prompts++;
            em.approveDeviceCode(info.userCode);
          },
        }),
    ],
    [
      'ClientAssertionCredential',
      (m) =>
        new ClientAssertionCredential(
          em.tenantId,
          CERT_APP,
          async () => signAssertion(),
          common(m),
        ),
    ],
    [
      'EnvironmentCredential',
      (m) =>
        new EnvironmentCredential({
          ...common(m),
          env: {
            AZURE_TENANT_ID: em.tenantId,
            AZURE_CLIENT_ID: SECRET_APP,
            AZURE_CLIENT_SECRET: SECRET,
            AZURE_AUTHORITY_HOST: em.url,
          },
        }),
    ],
    [
      'InteractiveBrowserCredential',
      (m) =>
        new InteractiveBrowserCredential({
          ...common(m),
          tenantId: em.tenantId,
          clientId: PUBLIC_APP,
          browser: async (url) => {
            prompts++;
            await playBrowser(em, url, { ...EMULATOR_TEST_USER, action: 'approve' });
          },
        }),
    ],
    [
      'AuthorizationCodeCredential',
      (m) =>
        new AuthorizationCodeCredential(
          em.tenantId,
          API_APP,
          API_SECRET,
          authorizationCode!,
          API_REDIRECT,
          common(m),
        ),
    ],
  ];
  let userTokenCache: string | undefined;
  let authorizationCode: string | undefined;
  let prompts = 0;
  beforeAll(async () => {
    userTokenCache = await userTokenForApi();
    authorizationCode = await codeFor(API_APP, API_REDIRECT);
  });

  it.each(factories)(
    '%s refreshes its token before expiry, on virtual time',
    async (_name, make) => {
      const clock = new VirtualClock(Date.now());
      // Assertions are stamped with the engine's (virtual) time: the authority shares that clock.
      authorityNow = () => clock.now();
      const credential = make(managers.create({ scheduler: clock, keepWarmMs: 3 * 60 * MIN }));
      prompts = 0;
      const seen: AccessToken[] = [];
      const subscription = credential.token$(STORAGE).subscribe((t) => seen.push(t));
      await until(() => seen.length === 1, 'the first token');
      await clock.advance(56 * MIN);
      await until(() => seen.length === 2, 'the refreshed token');
      subscription.unsubscribe();
      expect(seen[1]!.token).not.toBe(seen[0]!.token);
      expect(prompts).toBeLessThanOrEqual(1);
    },
  );
});
