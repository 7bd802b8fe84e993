import {
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  type DeviceCodeInfo,
} from '../../../src/index.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import type { TokenEvent } from '../../../src/telemetry/events.js';
import { TokenManagers } from '../../support/tokenManagers.js';
import { until } from '../../support/until.js';
import { emulatorRequest, postForm } from '../../support/userFlows.js';

/**
 * An interactive first sign-in stops when its last waiting caller leaves, although the engine
 * keeps the key's acquisition warm: device code polling ends (the emulator sees no more polls)
 * and the browser sign-in's loopback listener closes. The emulator polls without an interval, so
 * a polling loop that went on would show at once in its counter.
 */
const PUBLIC_ID = 'b2b2b2b2-0000-4000-8000-0000000000b2';
const GRAPH = 'https://graph.microsoft.com/User.Read';
const DEVICE_CODE_GRANT = 'token:device_code';

let em: Emulator;
const managers = new TokenManagers();

beforeAll(async () => {
  em = await startEmulator({
    deviceCodeIntervalSeconds: 0,
    apps: [{ clientId: PUBLIC_ID, publicClient: true, redirectUris: ['http://localhost'] }],
  });
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
});

const common = () => ({
  authorityHost: em.url,
  tlsOptions: { ca: em.ca },
  env: {},
  tenantId: em.tenantId,
  clientId: PUBLIC_ID,
});

/** Round trips to the emulator: time in which a running polling loop would poll again. */
async function roundTrips(count: number): Promise<void> {
  for (let i = 0; i < count; i++)
    await emulatorRequest(em, `${em.url}/${em.tenantId}/v2.0/.well-known/openid-configuration`);
}

describe('DeviceCodeCredential, abandoned', () => {
  it('stops polling when its only caller aborts, and the code approved later signs nobody in', async () => {
    const prompts: DeviceCodeInfo[] = [];
    const lines: string[] = [];
    const credential = new DeviceCodeCredential({
      ...common(),
      tokenManager: managers.create(),
      loggingOptions: { logLevel: 'info', sink: (_level, line) => lines.push(line) },
      userPromptCallback: (info) => {
        prompts.push(info);
        // Only the second sign-in is approved.
        if (prompts.length > 1) em.approveDeviceCode(info.userCode);
      },
    });
    em.counters.reset();
    const controller = new AbortController();
    const call = credential
      .getToken(GRAPH, { abortSignal: controller.signal })
      .catch((e: unknown) => e);
    await until(() => em.counters.get(DEVICE_CODE_GRANT) >= 2, 'polling');
    controller.abort();
    expect(await call).toMatchObject({ code: 'ERR_ABORTED' });
    const atAbort = em.counters.get(DEVICE_CODE_GRANT);
    await until(
      () => lines.some((line) => line.includes('Device code polling stopped')),
      'device code polling to stop',
    );
    // At most the poll that was on its way when the caller left.
    const stopped = em.counters.get(DEVICE_CODE_GRANT);
    expect(stopped - atAbort).toBeLessThanOrEqual(1);
    await roundTrips(5);
    expect(em.counters.get(DEVICE_CODE_GRANT)).toBe(stopped);
    // Approving the abandoned code now completes nothing: the next caller is asked again.
    em.approveDeviceCode(prompts[0]!.userCode);
    await roundTrips(2);
    await credential.getToken(GRAPH);
    expect(prompts).toHaveLength(2);
  });

  it('stops polling when a token$ subscriber leaves before its first token', async () => {
    const prompts: DeviceCodeInfo[] = [];
    const lines: string[] = [];
    const credential = new DeviceCodeCredential({
      ...common(),
      tokenManager: managers.create(),
      loggingOptions: { logLevel: 'info', sink: (_level, line) => lines.push(line) },
      userPromptCallback: (info) => prompts.push(info),
    });
    em.counters.reset();
    const subscription = credential.token$(GRAPH).subscribe({ error: () => undefined });
    await until(() => em.counters.get(DEVICE_CODE_GRANT) >= 2, 'polling');
    subscription.unsubscribe();
    await until(
      () => lines.some((line) => line.includes('Device code polling stopped')),
      'device code polling to stop',
    );
    const stopped = em.counters.get(DEVICE_CODE_GRANT);
    await roundTrips(5);
    expect(em.counters.get(DEVICE_CODE_GRANT)).toBe(stopped);
    expect(prompts).toHaveLength(1);
  });

  it('keeps polling while another caller still waits', async () => {
    const prompts: DeviceCodeInfo[] = [];
    const credential = new DeviceCodeCredential({
      ...common(),
      tokenManager: managers.create(),
      userPromptCallback: (info) => prompts.push(info),
    });
    const leaving = new AbortController();
    const left = credential
      .getToken(GRAPH, { abortSignal: leaving.signal })
      .catch((e: unknown) => e);
    const staying = credential.getToken(GRAPH);
    await until(() => prompts.length === 1, 'the prompt');
    leaving.abort();
    expect(await left).toMatchObject({ code: 'ERR_ABORTED' });
    await roundTrips(3);
    em.approveDeviceCode(prompts[0]!.userCode);
    expect((await staying).token).toMatch(/^eyJ/);
    expect(prompts).toHaveLength(1);
  });
});

describe('InteractiveBrowserCredential, abandoned', () => {
  it('closes its loopback listener when its only caller aborts', async () => {
    const opened: string[] = [];
    const events: TokenEvent[] = [];
    const credential = new InteractiveBrowserCredential({
      ...common(),
      tokenManager: managers.create(),
      browser: async (url) => {
        opened.push(url);
      },
    });
    const subscription = credential.events$.subscribe((event) => events.push(event));
    try {
      const controller = new AbortController();
      const call = credential
        .getToken(GRAPH, { abortSignal: controller.signal })
        .catch((e: unknown) => e);
      await until(() => opened.length === 1, 'the sign-in page');
      controller.abort();
      expect(await call).toMatchObject({ code: 'ERR_ABORTED' });
      await until(() => events.some((e) => e.type === 'acquisition-failed'), 'the sign-in to stop');
      expect(events.find((e) => e.type === 'acquisition-failed')).toMatchObject({
        errorCode: 'ERR_ABORTED',
      });
      const redirect = new URL(opened[0]!).searchParams.get('redirect_uri')!;
      await expect(postForm(redirect, { code: 'late', state: 'x' })).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
    } finally {
      subscription.unsubscribe();
    }
  });
});
