/**
 * Start-up and shutdown of the emulator: the authority's HTTPS listener on 127.0.0.1, and the
 * managed identity listeners.
 *
 * @packageDocumentation
 */
import { setMaxListeners } from 'node:events';
import { createServer } from 'node:https';
import {
  createCertificateAuthority,
  createSelfSignedServerCertificate,
  issueServerCertificate,
} from './certificates.js';
import { DeviceCodeStore } from './deviceCode/deviceCodeStore.js';
import { approveDeviceCode, denyDeviceCode } from './deviceCode/deviceFlow.js';
import { federatedIssuers, issueFederatedToken } from './federation/federatedCredentials.js';
import type { KubernetesTokenProxyEmulator } from './federation/federationTypes.js';
import { startKubernetesTokenProxy } from './federation/kubernetesTokenProxy.js';
import { PipelinesState } from './federation/pipelinesState.js';
import { FaultInjector } from './http/faults.js';
import { createRequestHandler } from './http/handler.js';
import { closeListener, listen, LOOPBACK_HOST } from './http/listener.js';
import { RequestRecorder } from './http/requestRecorder.js';
import { startManagedIdentity } from './managedIdentity/miServer.js';
import { Directory } from './state/directory.js';
import type { EmulatorContext } from './state/emulatorContext.js';
import { ExpiringStore } from './state/expiringStore.js';
import { createTokenSigner } from './tokens/signing.js';
import type { TokenSigner } from './tokens/signing.js';
import { EMULATOR_TENANT_ID, EMULATOR_TEST_USER } from './types.js';
import type { Emulator, EmulatorOptions } from './types.js';

const NINETY_DAYS_SECONDS = 90 * 86_400;
const SERVER_NAMES = { ipAddresses: [LOOPBACK_HOST], dnsNames: ['localhost'] };

/**
 * Starts an emulator on `https://127.0.0.1:<port>` with a fresh server certificate and key, and
 * its managed identity endpoints (`http://127.0.0.1:<port>`, Service Fabric on HTTPS).
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const directory = createDirectory(options); // first: a malformed certificate throws here
  const ca = options.certificateAuthority ?? (await createCertificateAuthority());
  const [tls, fabricTls, signer] = await Promise.all([
    issueServerCertificate(ca, SERVER_NAMES),
    createSelfSignedServerCertificate(SERVER_NAMES),
    createTokenSigner(),
  ]);
  const aborter = new AbortController();
  // Every delayed response waits on this one signal, so stop() ends them all; many may be pending.
  setMaxListeners(0, aborter.signal);
  const server = createServer({ key: tls.keyPem, cert: tls.certPem });
  const main = await listen(server, options.port ?? 0);
  const ctx = createContext(main.port, directory, signer, options);
  const deps = {
    ctx,
    recorder: new RequestRecorder(),
    faults: new FaultInjector(options.random ?? Math.random),
    latencyMs: options.latencyMs ?? 0,
    signal: aborter.signal,
  };
  const handler = createRequestHandler(deps);
  server.on('request', handler);
  const proxies: KubernetesTokenProxyEmulator[] = [];
  const mi = await startManagedIdentity(deps, options.managedIdentity ?? {}, fabricTls).catch(
    async (error: unknown) => {
      await closeListener(main);
      throw error;
    },
  );
  const { recorder, faults } = deps;
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    aborter.abort();
    await Promise.all([closeListener(main), mi.stop(), ...proxies.map((proxy) => proxy.stop())]);
  };
  return {
    url: ctx.url,
    authorityHost: ctx.url,
    tenantId: EMULATOR_TENANT_ID,
    ca: ca.certPem,
    jwks: signer.jwks,
    registerApp: (app) => directory.register(app),
    registerUser: (user) => directory.registerUser(user),
    approveDeviceCode: (userCode, username = EMULATOR_TEST_USER.username) =>
      approveDeviceCode(ctx, userCode, username),
    denyDeviceCode: (userCode) => denyDeviceCode(ctx, userCode),
    pendingDeviceCodes: () => ctx.grants.deviceCodes.list(),
    setTokenLifetime: (seconds) => {
      ctx.lifetimes.token = seconds;
    },
    faults: { add: (rule) => faults.add(rule), clear: () => faults.clear() },
    counters: {
      get: (route) => recorder.get(route),
      total: () => recorder.total(),
      reset: () => recorder.reset(),
    },
    requests: recorder.requests,
    managedIdentity: mi.api,
    pipelines: {
      oidcRequestUri: `${ctx.url}${ctx.pipelines.oidcPath}`,
      systemAccessToken: ctx.pipelines.systemAccessToken,
      registerServiceConnection: (connection) => ctx.pipelines.register(connection),
      env: () => ({
        SYSTEM_OIDCREQUESTURI: `${ctx.url}${ctx.pipelines.oidcPath}`,
        SYSTEM_ACCESSTOKEN: ctx.pipelines.systemAccessToken,
      }),
    },
    issuers: ctx.issuers,
    issueFederatedToken: (tokenOptions) => issueFederatedToken(ctx, tokenOptions),
    startKubernetesTokenProxy: async (proxyOptions) => {
      const proxy = await startKubernetesTokenProxy(handler, proxyOptions);
      proxies.push(proxy);
      return proxy;
    },
    stop: () => (stopping ??= stop()),
  };
}

/** The directory with the options' apps and users, and the test user. */
function createDirectory(options: EmulatorOptions): Directory {
  const directory = new Directory();
  directory.registerUser(EMULATOR_TEST_USER);
  options.apps?.forEach((app) => directory.register(app));
  options.users?.forEach((user) => directory.registerUser(user));
  return directory;
}

function createContext(
  port: number,
  directory: Directory,
  signer: TokenSigner,
  options: EmulatorOptions,
): EmulatorContext {
  const now = options.now ?? Date.now;
  const url = `https://${LOOPBACK_HOST}:${port}`;
  return {
    url,
    host: `${LOOPBACK_HOST}:${port}`,
    directory,
    signer,
    lifetimes: {
      token: options.tokenLifetimeSeconds ?? 3600,
      cae: options.caeTokenLifetimeSeconds ?? 86400,
      authorizationCode: options.authorizationCodeLifetimeSeconds ?? 600,
      deviceCode: options.deviceCodeLifetimeSeconds ?? 900,
      deviceCodeInterval: options.deviceCodeIntervalSeconds ?? 5,
      refreshToken: options.refreshTokenLifetimeSeconds ?? NINETY_DAYS_SECONDS,
      managedIdentity: options.managedIdentityTokenLifetimeSeconds ?? 86400,
    },
    now,
    grants: {
      codes: new ExpiringStore(now),
      refreshTokens: new ExpiringStore(now),
      deviceCodes: new DeviceCodeStore(now),
      assertionIds: new ExpiringStore(now),
    },
    rejectReplayedAssertions: options.rejectReplayedAssertions ?? true,
    issuers: federatedIssuers(url),
    pipelines: new PipelinesState(options.pipelines),
  };
}
