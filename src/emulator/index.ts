/**
 * A local Microsoft Entra ID-compatible authority over HTTPS on 127.0.0.1, for development and
 * tests. It imports nothing of the library: clients talk to it over HTTP.
 *
 * @packageDocumentation
 */
export { startEmulator } from './server.js';
export { EMULATOR_TENANT_ID } from './types.js';
export type {
  CertificatePair,
  Emulator,
  EmulatorApp,
  EmulatorOptions,
  FaultControls,
  FaultRoute,
  FaultRule,
  RecordedRequest,
  RequestCounters,
} from './types.js';
export { createCertificateAuthority, issueServerCertificate } from './certificates.js';
export type {
  CertificateAuthority,
  CertificateAuthorityOptions,
  ServerCertificateOptions,
} from './certificates.js';
