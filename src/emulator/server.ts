/**
 * Start-up and shutdown of the emulator's HTTPS server on 127.0.0.1.
 *
 * @packageDocumentation
 */
import { setMaxListeners } from 'node:events';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { Socket } from 'node:net';
import { createCertificateAuthority, issueServerCertificate } from './certificates.js';
import type { EmulatorContext } from './context.js';
import { DeviceCodeStore } from './device-codes.js';
import { approveDeviceCode, denyDeviceCode } from './device-flow.js';
import { Directory } from './directory.js';
import { FaultInjector } from './faults.js';
import { createRequestHandler } from './handler.js';
import { RequestRecorder } from './recorder.js';
import { createTokenSigner } from './signing.js';
import type { TokenSigner } from './signing.js';
import { ExpiringStore } from './store.js';
import { EMULATOR_TENANT_ID, EMULATOR_TEST_USER } from './types.js';
import type { Emulator, EmulatorOptions } from './types.js';

const HOST = '127.0.0.1';
const NINETY_DAYS_SECONDS = 90 * 86_400;

/** Starts an emulator on `https://127.0.0.1:<port>` with a fresh server certificate and key. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const directory = createDirectory(options); // first: a malformed certificate throws here
  const ca = options.certificateAuthority ?? (await createCertificateAuthority());
  const [tls, signer] = await Promise.all([
    issueServerCertificate(ca, { ipAddresses: [HOST], dnsNames: ['localhost'] }),
    createTokenSigner(),
  ]);
  const server = createServer({ key: tls.keyPem, cert: tls.certPem });
  const sockets = trackSockets(server);
  const port = await listen(server, options.port ?? 0);
  const ctx = createContext(port, directory, signer, options);
  const recorder = new RequestRecorder();
  const faults = new FaultInjector(options.random ?? Math.random);
  const aborter = new AbortController();
  const latencyMs = options.latencyMs ?? 0;
  const { signal } = aborter;
  // Every delayed response waits on this one signal, so stop() ends them all; many may be pending.
  setMaxListeners(0, signal);
  server.on('request', createRequestHandler({ ctx, recorder, faults, latencyMs, signal }));
  let stopping: Promise<void> | undefined;
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
    stop: () => (stopping ??= close(server, sockets, aborter)),
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
  return {
    url: `https://${HOST}:${port}`,
    host: `${HOST}:${port}`,
    directory,
    signer,
    lifetimes: {
      token: options.tokenLifetimeSeconds ?? 3600,
      cae: options.caeTokenLifetimeSeconds ?? 86400,
      authorizationCode: options.authorizationCodeLifetimeSeconds ?? 600,
      deviceCode: options.deviceCodeLifetimeSeconds ?? 900,
      deviceCodeInterval: options.deviceCodeIntervalSeconds ?? 5,
      refreshToken: options.refreshTokenLifetimeSeconds ?? NINETY_DAYS_SECONDS,
    },
    now,
    grants: {
      codes: new ExpiringStore(now),
      refreshTokens: new ExpiringStore(now),
      deviceCodes: new DeviceCodeStore(now),
      assertionIds: new ExpiringStore(now),
    },
    rejectReplayedAssertions: options.rejectReplayedAssertions ?? true,
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: HOST }, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

function close(server: Server, sockets: Set<Socket>, aborter: AbortController): Promise<void> {
  aborter.abort();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
    sockets.forEach((socket) => socket.destroy());
  });
}
