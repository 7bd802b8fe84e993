/**
 * What each managed identity host checks: method, headers and secrets, api-version, and the
 * parameters that name a user-assigned identity.
 *
 * @packageDocumentation
 */
import type { Call } from '../http/call.js';
import { constantTimeEquals } from '../state/directory.js';
import type { MiContext } from './miContext.js';
import { miErrors } from './miErrors.js';
import type { MiError } from './miErrors.js';
import type { ManagedIdentitySource } from './miTypes.js';

/** Which id a selector parameter carries. */
export type SelectorKind = 'clientId' | 'objectId' | 'resourceId';

/** Every parameter some host uses to name a user-assigned identity. */
export const SELECTOR_PARAMS: readonly string[] = [
  'client_id',
  'clientid',
  'object_id',
  'principal_id',
  'msi_res_id',
  'mi_res_id',
];

/** The api-version a host requires. */
export interface ApiVersionRule {
  /** The version clients send, for messages. */
  expected: string;
  accepts(version: string): boolean;
}

/** The checks of one host. */
export interface SourceSpec {
  source: ManagedIdentitySource;
  method: 'GET' | 'POST';
  /** Whether the parameters come in a form body (Cloud Shell) rather than the query. */
  formBody: boolean;
  /** Header and secret checks, before anything else. */
  guard(mi: MiContext, call: Call): MiError | undefined;
  /** The api-version rule; undefined when the host takes none. */
  apiVersion?: ApiVersionRule;
  /** The selector parameters the host accepts; the others of {@link SELECTOR_PARAMS} are refused. */
  selectors: Readonly<Record<string, SelectorKind>>;
}

const IMDS_SELECTORS: Readonly<Record<string, SelectorKind>> = {
  client_id: 'clientId',
  object_id: 'objectId',
  msi_res_id: 'resourceId',
};

/** The checks of every host. */
export const SOURCE_SPECS: Readonly<Record<ManagedIdentitySource, SourceSpec>> = {
  imds: {
    source: 'imds',
    method: 'GET',
    formBody: false,
    guard: (_mi, call) => metadataGuard(call) ?? forwardedGuard(call),
    apiVersion: datedVersion('2018-02-01'),
    selectors: IMDS_SELECTORS,
  },
  appService: {
    source: 'appService',
    method: 'GET',
    formBody: false,
    guard: (mi, call) => identityHeaderGuard(call, mi.secrets.appService),
    apiVersion: exactVersion('2019-08-01'),
    selectors: {
      client_id: 'clientId',
      object_id: 'objectId',
      principal_id: 'objectId',
      mi_res_id: 'resourceId',
    },
  },
  serviceFabric: {
    source: 'serviceFabric',
    method: 'GET',
    formBody: false,
    guard: (mi, call) => secretGuard(call, mi.secrets.serviceFabric),
    apiVersion: exactVersion('2019-07-01-preview'),
    selectors: {},
  },
  cloudShell: {
    source: 'cloudShell',
    method: 'POST',
    formBody: true,
    guard: (_mi, call) => metadataGuard(call),
    selectors: {},
  },
  machineLearning: {
    source: 'machineLearning',
    method: 'GET',
    formBody: false,
    guard: (mi, call) => metadataGuard(call) ?? secretGuard(call, mi.secrets.machineLearning),
    apiVersion: exactVersion('2017-09-01'),
    selectors: { clientid: 'clientId' },
  },
  arc: {
    source: 'arc',
    method: 'GET',
    formBody: false,
    guard: (mi, call) => (mi.arc ? metadataGuard(call) : miErrors.arcDisabled()),
    apiVersion: datedVersion('2020-06-01', '2019-11-01'),
    selectors: IMDS_SELECTORS,
  },
};

/** `Metadata: true` (IMDS, Arc, Cloud Shell, Machine Learning). */
function metadataGuard(call: Call): MiError | undefined {
  return /^true$/i.test(call.headers['metadata'] ?? '') ? undefined : miErrors.metadataHeader();
}

/** IMDS refuses anything that came through a proxy. */
function forwardedGuard(call: Call): MiError | undefined {
  return call.headers['x-forwarded-for'] === undefined ? undefined : miErrors.forwarded();
}

/** App Service: `X-IDENTITY-HEADER` (401 when missing, 403 when wrong). */
function identityHeaderGuard(call: Call, secret: string): MiError | undefined {
  const presented = call.headers['x-identity-header'];
  if (presented === undefined) return miErrors.identityHeaderMissing();
  return constantTimeEquals(secret, presented) ? undefined : miErrors.identityHeaderWrong();
}

/** Service Fabric and Machine Learning: `secret` (401 when missing or wrong). */
function secretGuard(call: Call, secret: string): MiError | undefined {
  const presented = call.headers['secret'];
  if (presented === undefined) return miErrors.secretMissing();
  return constantTimeEquals(secret, presented) ? undefined : miErrors.secretWrong();
}

function exactVersion(expected: string): ApiVersionRule {
  return { expected, accepts: (version) => version === expected };
}

/** Any `YYYY-MM-DD` version from `oldest` (default: `expected`) on. */
function datedVersion(expected: string, oldest = expected): ApiVersionRule {
  return {
    expected,
    accepts: (version) => /^\d{4}-\d{2}-\d{2}$/.test(version) && version >= oldest,
  };
}
