import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import {
  AuthenticationError,
  AuthenticationRequiredError,
  AuthorizationCodeCredential,
  CredentialUnavailableError,
  deserializeAuthenticationRecord,
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  serializeAuthenticationRecord,
  TokenManager,
  type DeviceCodeInfo,
} from '../../../src/index.js';
import { EMULATOR_TEST_USER, startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { teardownAfterEach } from '../../support/teardown.js';
import { TokenManagers } from '../../support/tokenManagers.js';
import { until } from '../../support/until.js';
import { emulatorRequest, playBrowser, postForm } from '../../support/userFlows.js';

const PUBLIC_ID = 'b0b0b0b0-0000-4000-8000-0000000000b0';
const WEB_ID = 'c0c0c0c0-0000-4000-8000-0000000000c0';
const WEB_SECRET = 'web-app-secret~canary';
const WEB_REDIRECT = 'https://app.contoso.test/callback';
const GRAPH = 'https://graph.microsoft.com/User.Read';
const VAULT = 'https://vault.azure.net/.default';

let em: Emulator;
let skewMs = 0;
const managers = new TokenManagers();

beforeAll(async () => {
  em = await startEmulator({
    now: () => Date.now() + skewMs,
    deviceCodeIntervalSeconds: 0,
    apps: [
      { clientId: PUBLIC_ID, publicClient: true, redirectUris: ['http://localhost'] },
      { clientId: WEB_ID, clientSecret: WEB_SECRET, redirectUris: [WEB_REDIRECT] },
    ],
  });
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
});
afterEach(() => {
  skewMs = 0;
});

const common = () => ({ authorityHost: em.url, tlsOptions: { ca: em.ca }, env: {} });

/** A device code credential whose prompt approves (or denies) the code at once, counting prompts. */
function deviceCode(
  decide: 'approve' | 'deny' | 'none' = 'approve',
  options: { tokenManager?: TokenManager } = {},
) {
  const prompts: DeviceCodeInfo[] = [];
  const credential = new DeviceCodeCredential({
    ...common(),
    tenantId: em.tenantId,
    clientId: PUBLIC_ID,
    tokenManager: options.tokenManager ?? managers.create(),
    userPromptCallback: (info) => {
      prompts.push(info);
      if (decide === 'approve') em.approveDeviceCode(info.userCode);
      if (decide === 'deny') em.denyDeviceCode(info.userCode);
    },
  });
  return { credential, prompts };
}

describe('DeviceCodeCredential', () => {
  const teardown = teardownAfterEach();

  it('prompts once, then gets tokens for other scopes silently', async () => {
    const { credential, prompts } = deviceCode();
    const graph = await credential.getToken(GRAPH);
    const vault = await credential.getToken(VAULT);
    expect(decodeJwt(graph.token)).toMatchObject({
      upn: EMULATOR_TEST_USER.username,
      aud: 'https://graph.microsoft.com',
    });
    expect(decodeJwt(vault.token)).toMatchObject({ aud: 'https://vault.azure.net' });
    expect(prompts).toHaveLength(1);
    expect(prompts[0]!.message).toContain(prompts[0]!.userCode);
    expect(prompts[0]!.expiresOn!.getTime()).toBeGreaterThan(Date.now());
  });

  it('fails a declined code with the authority error', async () => {
    const error = await deviceCode('deny')
      .credential.getToken(GRAPH)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).errorResponse.error).toBe('authorization_declined');
  });

  it('fails an expired code with expired_token', async () => {
    const credential = new DeviceCodeCredential({
      ...common(),
      tenantId: em.tenantId,
      clientId: PUBLIC_ID,
      tokenManager: managers.create(),
      userPromptCallback: () => {
        skewMs = 3_600_000;
      },
    });
    const error = await credential.getToken(GRAPH).catch((e: unknown) => e);
    expect((error as AuthenticationError).errorResponse?.error).toBe('expired_token');
  });

  it('stops waiting when the caller aborts', async () => {
    const controller = new AbortController();
    // Nobody waits after the abort; closing the engine after the test cancels MSAL's polling.
    const tokenManager = teardown.add(new TokenManager(), (manager) => manager.close());
    const { credential, prompts } = deviceCode('none', { tokenManager });
    const call = credential
      .getToken(GRAPH, { abortSignal: controller.signal })
      .catch((e: unknown) => e);
    await until(() => prompts.length === 1, 'the prompt');
    controller.abort();
    expect(await call).toMatchObject({ code: 'ERR_ABORTED' });
  });

  it('throws AuthenticationRequiredError instead of prompting when automatic authentication is disabled', async () => {
    let prompted = false;
    const credential = new DeviceCodeCredential({
      ...common(),
      tenantId: em.tenantId,
      clientId: PUBLIC_ID,
      tokenManager: managers.create(),
      disableAutomaticAuthentication: true,
      userPromptCallback: () => (prompted = true),
    });
    await expect(credential.getToken(GRAPH)).rejects.toBeInstanceOf(AuthenticationRequiredError);
    expect(prompted).toBe(false);
  });

  it('authenticate() returns a record from which a new credential gets tokens silently', async () => {
    const tokenManager = managers.create();
    const { credential } = deviceCode('approve', { tokenManager });
    const record = await credential.authenticate(GRAPH);
    expect(record).toMatchObject({
      username: EMULATOR_TEST_USER.username,
      clientId: PUBLIC_ID,
      tenantId: em.tenantId,
      version: '1.0',
    });
    let prompted = false;
    const second = new DeviceCodeCredential({
      ...common(),
      clientId: PUBLIC_ID,
      tokenManager,
      authenticationRecord: deserializeAuthenticationRecord(serializeAuthenticationRecord(record!)),
      disableAutomaticAuthentication: true,
      userPromptCallback: () => (prompted = true),
    });
    const token = await second.getToken(VAULT);
    expect(decodeJwt(token.token)).toMatchObject({ upn: EMULATOR_TEST_USER.username });
    expect(prompted).toBe(false);
  });

  it('asks for a CAE token with enableCae', async () => {
    const token = await deviceCode().credential.getToken(GRAPH, { enableCae: true });
    expect(decodeJwt(token.token).xms_cc).toEqual(['cp1']);
  });

  it('refuses a tenant that is not allowed', async () => {
    await expect(
      deviceCode().credential.getToken(GRAPH, { tenantId: 'fabrikam.test' }),
    ).rejects.toBeInstanceOf(CredentialUnavailableError);
  });
});

describe('InteractiveBrowserCredential', () => {
  function browserCredential(
    action: 'approve' | 'cancel' | 'ignore',
    options: { timeoutMs?: number } = {},
  ) {
    const opened: string[] = [];
    const credential = new InteractiveBrowserCredential({
      ...common(),
      tenantId: em.tenantId,
      clientId: PUBLIC_ID,
      tokenManager: managers.create(),
      loginHint: EMULATOR_TEST_USER.username,
      timeoutMs: options.timeoutMs,
      browser: async (url) => {
        opened.push(url);
        if (action !== 'ignore') await playBrowser(em, url, { ...EMULATOR_TEST_USER, action });
      },
    });
    return { credential, opened };
  }

  it('signs in through the sign-in page with PKCE and a loopback redirect', async () => {
    const { credential, opened } = browserCredential('approve');
    const token = await credential.getToken(GRAPH);
    expect(decodeJwt(token.token)).toMatchObject({ upn: EMULATOR_TEST_USER.username });
    const url = new URL(opened[0]!);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+/);
    expect(url.searchParams.get('login_hint')).toBe(EMULATOR_TEST_USER.username);
    expect(url.searchParams.get('prompt')).toBe('login');
    // Later tokens are silent: no second sign-in.
    await credential.getToken(VAULT);
    expect(opened).toHaveLength(1);
  });

  it('fails with access_denied when the user cancels', async () => {
    const error = await browserCredential('cancel')
      .credential.getToken(GRAPH)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).errorResponse.error).toBe('access_denied');
  });

  it('gives up after timeoutMs and closes its listener', async () => {
    const { credential, opened } = browserCredential('ignore', { timeoutMs: 50 });
    const error = await credential.getToken(GRAPH).catch((e: unknown) => e);
    expect((error as AuthenticationError).errorResponse.errorDescription).toContain('timed out');
    const redirect = new URL(opened[0]!).searchParams.get('redirect_uri')!;
    await expect(postForm(redirect, { code: 'late', state: 'x' })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});

describe('AuthorizationCodeCredential', () => {
  async function code(scope = `openid offline_access ${GRAPH}`): Promise<string> {
    const authorizeUrl = `${em.url}/${em.tenantId}/oauth2/v2.0/authorize?${new URLSearchParams({
      client_id: WEB_ID,
      response_type: 'code',
      redirect_uri: WEB_REDIRECT,
      scope,
      state: 'state-1',
    })}`;
    const res = await emulatorRequest(em, `${em.url}/_emulator/authorize`, {
      json: { authorizeUrl },
    });
    return new URL((JSON.parse(res.text) as { location: string }).location).searchParams.get(
      'code',
    )!;
  }

  it('redeems the code once and refreshes silently afterwards', async () => {
    em.counters.reset();
    const credential = new AuthorizationCodeCredential(
      em.tenantId,
      WEB_ID,
      WEB_SECRET,
      await code(),
      WEB_REDIRECT,
      {
        ...common(),
        tokenManager: managers.create(),
      },
    );
    const graph = await credential.getToken(GRAPH);
    const vault = await credential.getToken(VAULT);
    expect(decodeJwt(graph.token)).toMatchObject({ upn: EMULATOR_TEST_USER.username });
    expect(decodeJwt(vault.token)).toMatchObject({ aud: 'https://vault.azure.net' });
    expect(em.counters.get('token:authorization_code')).toBe(1);
    expect(em.counters.get('token:refresh_token')).toBe(1);
  });

  it('works as a public client with a PKCE verifier', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = 'http://localhost:8400/callback';
    const authorizeUrl = `${em.url}/${em.tenantId}/oauth2/v2.0/authorize?${new URLSearchParams({
      client_id: PUBLIC_ID,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: `openid offline_access ${GRAPH}`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })}`;
    const res = await emulatorRequest(em, `${em.url}/_emulator/authorize`, {
      json: { authorizeUrl },
    });
    const value = new URL((JSON.parse(res.text) as { location: string }).location).searchParams.get(
      'code',
    )!;
    const credential = new AuthorizationCodeCredential(em.tenantId, PUBLIC_ID, value, redirectUri, {
      ...common(),
      tokenManager: managers.create(),
      codeVerifier: verifier,
    });
    expect(decodeJwt((await credential.getToken(GRAPH)).token)).toMatchObject({
      upn: EMULATOR_TEST_USER.username,
    });
  });

  it('fails an expired code with invalid_grant, never quoting the code', async () => {
    const value = await code();
    skewMs = 3_600_000;
    const credential = new AuthorizationCodeCredential(
      em.tenantId,
      WEB_ID,
      WEB_SECRET,
      value,
      WEB_REDIRECT,
      {
        ...common(),
        tokenManager: managers.create(),
      },
    );
    const error = (await credential
      .getToken(GRAPH)
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(error.errorResponse.error).toBe('invalid_grant');
    expect(error.errorResponse.errorCodes).toEqual([70008]);
    expect(error.message).not.toContain(value);
  });
});
