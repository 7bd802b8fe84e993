/**
 * A local Microsoft Entra ID-compatible authority over HTTPS on 127.0.0.1, for development and
 * tests. It imports nothing of the library: clients talk to it over HTTP.
 *
 * Layout: `startEmulator.ts` wires the rooms together; `types.ts` and `certificates.ts` are public.
 * `http/` listens, parses, records, injects faults and routes; `state/` is the directory, the
 * context and the expiring stores; `tokens/` signs and shapes tokens, scopes and metadata;
 * `errors/` words and renders Entra's errors; `grants/` is the token endpoint, client
 * authentication and every grant; `authorize/` the authorization endpoint; `deviceCode/` the device
 * flow and its login page; `federation/` federated credentials and Azure Pipelines;
 * `managedIdentity/` the managed identity hosts.
 *
 * @packageDocumentation
 */
export { startEmulator } from './startEmulator.js';
export { EMULATOR_TENANT_ID, EMULATOR_TEST_USER } from './types.js';
export type {
  CertificatePair,
  Emulator,
  EmulatorApp,
  EmulatorOptions,
  EmulatorUser,
  FaultControls,
  FaultRoute,
  FaultRule,
  PendingDeviceCode,
  RecordedRequest,
  RegisteredUser,
  RequestCounters,
} from './types.js';
export {
  certificateThumbprints,
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
} from './certificates.js';
export type {
  CertificateAuthority,
  CertificateAuthorityOptions,
  CertificateThumbprints,
  ClientCertificateOptions,
  ServerCertificateOptions,
} from './certificates.js';
export { JWT_BEARER_ASSERTION_TYPE } from './grants/clientAssertion.js';
export { DeviceCodeDecisionError } from './deviceCode/deviceFlow.js';
export { createSelfSignedServerCertificate } from './certificates.js';
export { FEDERATED_TOKEN_AUDIENCE } from './federation/federationTypes.js';
export type {
  FederatedCredential,
  FederatedIssuers,
  FederatedTokenOptions,
  KubernetesTokenProxyEmulator,
  KubernetesTokenProxyOptions,
  PipelinesEmulator,
  PipelinesOptions,
  ServiceConnection,
} from './federation/federationTypes.js';
export {
  EMULATOR_SYSTEM_ASSIGNED_IDENTITY,
  EMULATOR_USER_ASSIGNED_IDENTITIES,
} from './managedIdentity/miIdentities.js';
export { MANAGED_IDENTITY_SOURCES } from './managedIdentity/miTypes.js';
export type {
  ExpiresOnStyle,
  ManagedIdentity,
  ManagedIdentityEmulator,
  ManagedIdentityOptions,
  ManagedIdentitySource,
  UserAssignedIdentityInput,
} from './managedIdentity/miTypes.js';
