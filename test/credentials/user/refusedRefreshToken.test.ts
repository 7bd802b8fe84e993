import {
  AuthenticationError,
  AuthenticationRequiredError,
  DeviceCodeCredential,
  type DeviceCodeInfo,
  type TokenManager,
} from '../../../src/index.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import type { TokenEvent } from '../../../src/telemetry/events.js';
import { TokenManagers } from '../../support/tokenManagers.js';
import { until } from '../../support/until.js';
import { VirtualClock } from '../../support/virtualClock.js';

/**
 * A user credential whose refresh token the authority refuses (AADSTS700082, expired: the
 * emulator's clock jumps past the refresh token's lifetime) signs the user in again for a caller
 * that waits, as `@azure/identity` does; with `disableAutomaticAuthentication` it says
 * authentication is required; a background refresh never prompts.
 */
const PUBLIC_ID = 'b1b1b1b1-0000-4000-8000-0000000000b1';
const GRAPH = 'https://graph.microsoft.com/User.Read';
const VAULT = 'https://vault.azure.net/.default';
const REFRESH_TOKEN_LIFETIME_S = 3_600;
/** Past the refresh token's lifetime. */
const LATER_MS = 2 * REFRESH_TOKEN_LIFETIME_S * 1000;

let em: Emulator;
let skewMs = 0;
const managers = new TokenManagers();

beforeAll(async () => {
  em = await startEmulator({
    now: () => Date.now() + skewMs,
    deviceCodeIntervalSeconds: 0,
    refreshTokenLifetimeSeconds: REFRESH_TOKEN_LIFETIME_S,
    tokenLifetimeSeconds: 600,
    apps: [{ clientId: PUBLIC_ID, publicClient: true }],
  });
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
});
afterEach(() => {
  skewMs = 0;
});

/** A device code credential that approves each code it is shown, counting the prompts. */
function deviceCode(tokenManager: TokenManager = managers.create()) {
  const prompts: DeviceCodeInfo[] = [];
  const credential = new DeviceCodeCredential({
    authorityHost: em.url,
    tlsOptions: { ca: em.ca },
    env: {},
    tenantId: em.tenantId,
    clientId: PUBLIC_ID,
    tokenManager,
    userPromptCallback: (info) => {
      prompts.push(info);
      em.approveDeviceCode(info.userCode);
    },
  });
  return { credential, prompts };
}

describe('a refused refresh token', () => {
  it('makes getToken sign the user in again with a new device code', async () => {
    const { credential, prompts } = deviceCode();
    await credential.getToken(GRAPH);
    skewMs = LATER_MS;
    em.counters.reset();
    const token = await credential.getToken(VAULT);
    expect(token.token).toMatch(/^eyJ/);
    // The silent attempt was refused, then a second device code was shown and redeemed.
    expect(em.counters.get('token:refresh_token')).toBe(1);
    expect(prompts).toHaveLength(2);
    expect(prompts[1]!.userCode).not.toBe(prompts[0]!.userCode);
    // And from then on tokens are silent again, with the new refresh token.
    await credential.getToken('https://storage.azure.com/.default');
    expect(prompts).toHaveLength(2);
  });

  it('is AuthenticationRequiredError (cause: the authority error) when automatic authentication is disabled', async () => {
    const tokenManager = managers.create();
    const { credential } = deviceCode(tokenManager);
    const record = await credential.authenticate(GRAPH);
    let prompted = false;
    const silentOnly = new DeviceCodeCredential({
      authorityHost: em.url,
      tlsOptions: { ca: em.ca },
      env: {},
      clientId: PUBLIC_ID,
      tokenManager,
      authenticationRecord: record,
      disableAutomaticAuthentication: true,
      userPromptCallback: () => (prompted = true),
    });
    skewMs = LATER_MS;
    const error = await silentOnly.getToken(VAULT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationRequiredError);
    expect((error as AuthenticationRequiredError).scopes).toEqual([VAULT]);
    const cause = (error as Error).cause as AuthenticationError;
    expect(cause).toBeInstanceOf(AuthenticationError);
    expect(cause.errorResponse).toMatchObject({ error: 'invalid_grant', errorCodes: [700082] });
    expect(prompted).toBe(false);
  });

  it('never prompts from a background refresh', async () => {
    const clock = new VirtualClock(Date.now());
    const { credential, prompts } = deviceCode(managers.create({ scheduler: clock }));
    const events: TokenEvent[] = [];
    const subscription = credential.events$.subscribe((event) => events.push(event));
    try {
      await credential.getToken(GRAPH);
      const refreshAt = credential.snapshot()[0]!.nextRefreshAt!;
      skewMs = LATER_MS;
      await clock.advance(refreshAt - clock.now());
      const refused = (): TokenEvent | undefined =>
        events.find((e) => e.type === 'acquisition-failed' && e.reason === 'proactive');
      await until(() => refused() !== undefined, 'the refused background refresh');
      expect(refused()).toMatchObject({ errorCode: 'ERR_AUTHENTICATION_REQUIRED' });
      expect(prompts).toHaveLength(1);
      expect(em.pendingDeviceCodes()).toHaveLength(0);
    } finally {
      subscription.unsubscribe();
    }
  });
});
