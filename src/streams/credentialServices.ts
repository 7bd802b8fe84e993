import type { Tracer } from '@opentelemetry/api';
import type { SchedulerLike } from 'rxjs';
import type { MsalCaches } from '../cache/msalCacheStore.js';
import type { TokenEvent } from '../telemetry/events.js';
import type { RandomSource } from './clock.js';

/**
 * What an engine lends the credentials bound to it: the one clock and timer source, the jitter
 * source, the tracer for their own spans (chain links), and MSAL's account caches. Credentials
 * take these, never the engine's internals.
 */
export interface CredentialServices {
  readonly scheduler: SchedulerLike;
  readonly random: RandomSource;
  readonly tracer: Tracer;
  readonly msalCaches: MsalCaches;
  /** Puts an event of the credential's own work (a chain's decisions) on the engine's `events$`. */
  publish(event: TokenEvent): void;
}
