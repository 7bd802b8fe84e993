import type { AccessToken } from '@azure/core-auth';
import type { SpanContext } from '@opentelemetry/api';
import type { Observable, SchedulerLike } from 'rxjs';
import type { LayeredCache } from '../../cache/layeredCache.js';
import type { RefreshReason, TokenEvent } from '../../telemetry/events.js';
import type { RandomSource } from '../clock.js';
import type { KeyStream } from './keyStream.js';
import type { ResolvedRefreshPolicy } from '../policy/refreshPolicy.js';
import type { StreamKey } from '../streamKey.js';

/** What a key's stream needs from its manager. */
export interface KeyStreamContext {
  scheduler: SchedulerLike;
  random: RandomSource;
  policy: ResolvedRefreshPolicy;
  keepWarmMs: number;
  cache: LayeredCache;
  emit(event: TokenEvent): void;
  /**
   * One acquisition attempt, already wrapped in a span and metrics; cold. `creator` is the span
   * that was active when the stream was made, for linking timer-driven refreshes to it.
   */
  acquire(
    key: StreamKey,
    reason: RefreshReason,
    claims?: string,
    creator?: SpanContext,
  ): Observable<AccessToken>;
  /** Called when the stream has torn down after its keep-warm time. */
  onIdle(stream: KeyStream): void;
  /** Emits when the whole manager closes. */
  closed$: Observable<void>;
}

/** An event as a key's stream raises it: the key's fields are added when it is published. */
export type KeyEventBody = TokenEvent extends infer E
  ? E extends TokenEvent
    ? Omit<E, 'at' | 'key' | 'credential' | 'identity'>
    : never
  : never;
