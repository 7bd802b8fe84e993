/**
 * A local Microsoft Entra ID-compatible authority over HTTPS on 127.0.0.1, for development and
 * tests. It imports nothing of the library: clients talk to it over HTTP.
 *
 * @packageDocumentation
 */
export { startEmulator } from './server.js';
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
export { JWT_BEARER_ASSERTION_TYPE } from './client-assertion.js';
export { DeviceCodeDecisionError } from './device-flow.js';
export { createSelfSignedServerCertificate } from './certificates.js';
export { FEDERATED_TOKEN_AUDIENCE } from './federation-types.js';
export type {
  FederatedCredential,
  FederatedIssuers,
  FederatedTokenOptions,
  PipelinesEmulator,
  PipelinesOptions,
  ServiceConnection,
} from './federation-types.js';
export {
  EMULATOR_SYSTEM_ASSIGNED_IDENTITY,
  EMULATOR_USER_ASSIGNED_IDENTITIES,
} from './mi-identities.js';
export { MANAGED_IDENTITY_SOURCES } from './mi-types.js';
export type {
  ExpiresOnStyle,
  ManagedIdentity,
  ManagedIdentityEmulator,
  ManagedIdentityOptions,
  ManagedIdentitySource,
  UserAssignedIdentityInput,
} from './mi-types.js';
