/**
 * The managed identity listeners: plain HTTP on 127.0.0.1 for IMDS, App Service, Cloud Shell,
 * Azure Machine Learning and Azure Arc, and HTTPS with a self-signed certificate for Service
 * Fabric.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { certificateThumbprints } from '../certificates.js';
import type { FaultInjector } from '../http/faults.js';
import { createRequestHandler } from '../http/handler.js';
import { closeListener, listen, LOOPBACK_HOST } from '../http/listener.js';
import type { Listener } from '../http/listener.js';
import type { RequestRecorder } from '../http/requestRecorder.js';
import type { EmulatorContext } from '../state/emulatorContext.js';
import type { CertificatePair } from '../types.js';
import { ArcKeyStore } from './miArcKeys.js';
import type { MiContext } from './miContext.js';
import { managedIdentityRouter, MI_PATHS } from './miEndpoint.js';
import type { MiListener } from './miEndpoint.js';
import { EMULATOR_SYSTEM_ASSIGNED_IDENTITY, IdentityRegistry } from './miIdentities.js';
import type {
  ManagedIdentityEmulator,
  ManagedIdentityOptions,
  ManagedIdentitySource,
} from './miTypes.js';

/** What the listeners share with the authority's. */
export interface ManagedIdentityDependencies {
  ctx: EmulatorContext;
  recorder: RequestRecorder;
  faults: FaultInjector;
  latencyMs: number;
  signal: AbortSignal;
}

/** Running managed identity endpoints. */
export interface RunningManagedIdentity {
  api: ManagedIdentityEmulator;
  /** Closes both listeners and deletes Arc key files. */
  stop(): Promise<void>;
}

/** Starts both listeners; `serviceFabricTls` is the Service Fabric server certificate. */
export async function startManagedIdentity(
  deps: ManagedIdentityDependencies,
  options: ManagedIdentityOptions,
  serviceFabricTls: CertificatePair,
): Promise<RunningManagedIdentity> {
  await checkArcDirectory(options.arcKeyDirectory);
  const mi = createMiContext(deps.ctx, options);
  const handler = (listener: MiListener) =>
    createRequestHandler({ ...deps, router: managedIdentityRouter(mi, listener) });
  const http = await listen(createHttpServer(handler('http')), options.port);
  let fabric: Listener;
  try {
    const tls = { key: serviceFabricTls.keyPem, cert: serviceFabricTls.certPem };
    fabric = await listen(
      createHttpsServer(tls, handler('serviceFabric')),
      options.serviceFabricPort,
    );
  } catch (error) {
    await closeListener(http);
    throw error;
  }
  const api = managedIdentityApi(mi, http.port, fabric.port, serviceFabricTls.certPem);
  const stop = async (): Promise<void> => {
    await Promise.all([closeListener(http), closeListener(fabric)]);
    await mi.arc?.clear();
  };
  return { api, stop };
}

/** Throws when `directory` is given but is not a directory. */
async function checkArcDirectory(directory: string | undefined): Promise<void> {
  if (directory === undefined) return;
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new Error(`managedIdentity.arcKeyDirectory is not a directory: ${directory}`);
  }
}

function createMiContext(ctx: EmulatorContext, options: ManagedIdentityOptions): MiContext {
  const identities = new IdentityRegistry(options.systemAssigned ?? true);
  options.userAssigned?.forEach((identity) => identities.add(identity));
  const secret = (): string => randomBytes(24).toString('hex');
  const directory = options.arcKeyDirectory;
  return {
    ctx,
    identities,
    secrets: { appService: secret(), machineLearning: secret(), serviceFabric: secret() },
    styles: new Map(),
    arc: directory === undefined ? undefined : new ArcKeyStore(directory, ctx.now),
  };
}

function managedIdentityApi(
  mi: MiContext,
  httpPort: number,
  fabricPort: number,
  fabricCertPem: string,
): ManagedIdentityEmulator {
  const url = `http://${LOOPBACK_HOST}:${httpPort}`;
  const endpoints = {
    url,
    imdsHost: url,
    imdsEndpoint: `${url}${MI_PATHS.imds}`,
    appServiceEndpoint: `${url}${MI_PATHS.appService}`,
    cloudShellEndpoint: `${url}${MI_PATHS.cloudShell}`,
    machineLearningEndpoint: `${url}${MI_PATHS.machineLearning}`,
    arcEndpoint: `${url}${MI_PATHS.arc}`,
    serviceFabricEndpoint: `https://${LOOPBACK_HOST}:${fabricPort}${MI_PATHS.serviceFabric}`,
  };
  const secrets = {
    appServiceSecret: mi.secrets.appService,
    machineLearningSecret: mi.secrets.machineLearning,
    serviceFabricSecret: mi.secrets.serviceFabric,
    serviceFabricThumbprint: certificateThumbprints(fabricCertPem).sha1,
    serviceFabricCertificate: fabricCertPem,
  };
  return {
    ...endpoints,
    ...secrets,
    arcKeyDirectory: mi.arc?.directory,
    systemAssigned: { ...EMULATOR_SYSTEM_ASSIGNED_IDENTITY },
    systemAssignedEnabled: mi.identities.systemEnabled,
    userAssigned: () => mi.identities.userAssigned(),
    addUserAssigned: (identity) => mi.identities.add(identity),
    env: (source) => hostEnvironment(source, { ...endpoints, ...secrets }),
    setExpiresOnStyle: (source, style) => void mi.styles.set(source, style),
    arcRealmOverride: (path) => {
      if (!mi.arc)
        throw new Error('Azure Arc is not enabled: set managedIdentity.arcKeyDirectory.');
      mi.arc.overrideNextRealm(path);
    },
    setTokenLifetime: (seconds) => {
      mi.ctx.lifetimes.managedIdentity = seconds;
    },
  };
}

type EnvironmentInput = Omit<
  ManagedIdentityEmulator,
  | 'env'
  | 'setExpiresOnStyle'
  | 'arcRealmOverride'
  | 'setTokenLifetime'
  | 'addUserAssigned'
  | 'userAssigned'
  | 'systemAssigned'
  | 'systemAssignedEnabled'
  | 'arcKeyDirectory'
>;

/** The environment variables each host sets for the code it runs. */
function hostEnvironment(
  source: ManagedIdentitySource,
  api: EnvironmentInput,
): Record<string, string> {
  switch (source) {
    case 'imds':
      return { AZURE_POD_IDENTITY_AUTHORITY_HOST: api.imdsHost };
    case 'appService':
      return { IDENTITY_ENDPOINT: api.appServiceEndpoint, IDENTITY_HEADER: api.appServiceSecret };
    case 'serviceFabric':
      return {
        IDENTITY_ENDPOINT: api.serviceFabricEndpoint,
        IDENTITY_HEADER: api.serviceFabricSecret,
        IDENTITY_SERVER_THUMBPRINT: api.serviceFabricThumbprint,
        IDENTITY_API_VERSION: '2019-07-01-preview',
      };
    case 'machineLearning':
      return {
        MSI_ENDPOINT: api.machineLearningEndpoint,
        MSI_SECRET: api.machineLearningSecret,
        DEFAULT_IDENTITY_CLIENT_ID: EMULATOR_SYSTEM_ASSIGNED_IDENTITY.clientId,
      };
    case 'cloudShell':
      return { MSI_ENDPOINT: api.cloudShellEndpoint };
    case 'arc':
      return { IDENTITY_ENDPOINT: api.arcEndpoint, IMDS_ENDPOINT: `${api.url}/arc` };
  }
}
