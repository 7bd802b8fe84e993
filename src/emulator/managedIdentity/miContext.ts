/**
 * What the managed identity endpoints know: the authority's context, the host's identities,
 * secrets, response styles and Arc keys.
 *
 * @packageDocumentation
 */
import type { EmulatorContext } from '../state/emulatorContext.js';
import type { ArcKeyStore } from './miArcKeys.js';
import type { IdentityRegistry } from './miIdentities.js';
import type { ExpiresOnStyle, ManagedIdentitySource } from './miTypes.js';

/** The secrets the hosts hand their code through environment variables. */
export interface HostSecrets {
  /** App Service `IDENTITY_HEADER`. */
  appService: string;
  /** Azure Machine Learning `MSI_SECRET`. */
  machineLearning: string;
  /** Service Fabric `IDENTITY_HEADER`. */
  serviceFabric: string;
}

/** The state of the managed identity endpoints. */
export interface MiContext {
  /** The authority's context: signer, clock, lifetimes. */
  ctx: EmulatorContext;
  identities: IdentityRegistry;
  secrets: HostSecrets;
  /** `expires_on` styles set by `setExpiresOnStyle`; the others use the defaults. */
  styles: Map<ManagedIdentitySource, ExpiresOnStyle>;
  /** Arc's key store; undefined when Arc is disabled. */
  arc: ArcKeyStore | undefined;
}
