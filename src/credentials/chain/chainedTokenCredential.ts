import { randomUUID } from 'node:crypto';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import {
  concatMap,
  defer,
  from,
  map,
  Observable,
  of,
  tap,
  throwError,
  type ObservableInput,
} from 'rxjs';
import type { Tracer } from '@opentelemetry/api';
import { catchError, first } from 'rxjs/operators';
import {
  AggregateAuthenticationError,
  CredentialUnavailableError,
  isAuthenticationRequiredError,
  isCredentialUnavailableError,
} from '../../errors.js';
import {
  acquireUncached,
  ReactiveCredential,
  type ReactiveCredentialOptions,
} from '../../streams/reactiveCredential.js';
import type { CredentialServices } from '../../streams/credentialServices.js';
import type { AcquireRequest, TokenManager } from '../../streams/tokenManager.js';
import { toStreamKey, type CredentialIdentity } from '../../streams/streamKey.js';
import { redact } from '../../telemetry/redact.js';
import { Attr, withSpan } from '../../telemetry/tracing.js';
import { checkTenantId } from '../base/tenantId.js';

/** The span around one link's attempt inside a chain. */
export const CHAIN_LINK_SPAN_NAME = 'reactive-identity.chain_link';

type Acquirer = (request: AcquireRequest) => ObservableInput<AccessToken>;

/** One uncached attempt of any `TokenCredential`: ours directly, a foreign one via `getToken`. */
export function acquirerOf(credential: TokenCredential): Acquirer {
  if (credential instanceof ReactiveCredential)
    return (request) => credential[acquireUncached](request);
  return (request) =>
    defer(async () => {
      const token = await credential.getToken([...request.scopes], {
        tenantId: request.tenantId,
        claims: request.claims,
        enableCae: request.enableCae,
        abortSignal: request.abortSignal,
      });
      if (token === null)
        throw new CredentialUnavailableError(`${credential.constructor.name} returned no token.`);
      return token;
    });
}

/** Whether a chain moves on to its next link after this error. */
export function continuesChain(error: unknown): boolean {
  return isCredentialUnavailableError(error) || isAuthenticationRequiredError(error);
}

/** One link of a chain: a name for spans and messages, its acquisition, and when to move past it. */
export interface ChainLink {
  name: string;
  acquire: Acquirer;
  continuesOn(error: unknown): boolean;
}

/** What a chain walk needs besides its links. */
export interface ChainWalk {
  request: AcquireRequest;
  tracer: Tracer;
  /** The chain's name, heading the aggregate error. */
  name: string;
  /** Appended to the aggregate error, e.g. where to read about troubleshooting. */
  help?: string;
  /** Told of each step: a link tried, unavailable (the walk moves on), failed, or serving. */
  decided?: (decision: ChainDecision) => void;
}

/** One step of a chain walk, as {@link ChainWalk.decided} hears it. */
export interface ChainDecision {
  link: string;
  decision: 'tried' | 'unavailable' | 'failed' | 'served';
  /** Why the link passed or failed, redacted. */
  message?: string;
}

/**
 * Publishes a chain's decisions for `request` as `chain-decision` events on its engine's
 * `events$` (and so on the chain credential's own), keyed like the request's stream.
 */
export function chainDecisions(
  services: CredentialServices,
  tokenManager: TokenManager,
  identityOf: () => CredentialIdentity | undefined,
  request: AcquireRequest,
): (decision: ChainDecision) => void {
  return ({ link, decision, message }) => {
    const identity = identityOf();
    if (identity === undefined) return;
    const ref = tokenManager.identityRef(identity);
    services.publish({
      type: 'chain-decision',
      link,
      decision,
      reason: request.reason,
      ...(message === undefined ? {} : { message }),
      at: services.scheduler.now(),
      key: toStreamKey(identity, request, ref).label,
      credential: identity.kind,
      identity: ref,
    });
  };
}

/**
 * Walks `links` in the given order: the first token wins; a link whose failure `continuesOn`
 * allows passes to the next; any other failure stops the walk with that error. When every link
 * has passed, the walk fails with an `AggregateAuthenticationError` naming each one.
 */
export function walkChain(
  links: readonly ChainLink[],
  order: readonly number[],
  walk: ChainWalk,
): Observable<{ token: AccessToken; index: number }> {
  const errors: unknown[] = [];
  const names: string[] = [];
  const attempt = (position: number): Observable<{ token: AccessToken; index: number }> => {
    const index = order[position];
    const link = index === undefined ? undefined : links[index];
    if (link === undefined || index === undefined) {
      return throwError(() =>
        errors.length === 0
          ? new CredentialUnavailableError(`${walk.name} has no credentials to try.`)
          : new AggregateAuthenticationError(
              errors,
              `${walk.name} authentication failed.${walk.help ? ` ${walk.help}` : ''}`,
              names,
            ),
      );
    }
    const attributes = { [Attr.chainLink]: link.name, [Attr.reason]: walk.request.reason };
    const decided = (decision: ChainDecision['decision'], error?: unknown) =>
      walk.decided?.({
        link: link.name,
        decision,
        message:
          error === undefined
            ? undefined
            : redact(error instanceof Error ? error.message : String(error)),
      });
    return withSpan(walk.tracer, CHAIN_LINK_SPAN_NAME, attributes, () => {
      decided('tried');
      return from(link.acquire(walk.request));
    }).pipe(
      first(),
      tap(() => decided('served')),
      map((token) => ({ token, index })),
      catchError((error: unknown) => {
        if (!link.continuesOn(error)) {
          decided('failed', error);
          return throwError(() => error);
        }
        decided('unavailable', error);
        errors.push(error);
        names.push(link.name);
        return attempt(position + 1);
      }),
    );
  };
  return of(0).pipe(concatMap(attempt));
}

/**
 * Tries its links in order and switches to the next only when a link is unavailable; any other
 * failure stops the chain with that link's error. Caching and refresh happen once, here, for the
 * chain's keys; the links are asked for one uncached token each time.
 *
 * @example
 * ```ts
 * const credential = new ChainedTokenCredential(new EnvironmentCredential(), new AzureCliCredential());
 * ```
 */
export class ChainedTokenCredential extends ReactiveCredential {
  private readonly links: ChainLink[];

  constructor(...sources: TokenCredential[]);
  constructor(options: ReactiveCredentialOptions, ...sources: TokenCredential[]);
  constructor(...args: (TokenCredential | ReactiveCredentialOptions)[]) {
    const [first, ...rest] = args;
    const hasOptions =
      first !== undefined && typeof (first as TokenCredential).getToken !== 'function';
    const options = hasOptions ? (first as ReactiveCredentialOptions) : {};
    const sources = (hasOptions ? rest : args) as TokenCredential[];
    super(options);
    this.links = sources.map((source) => ({
      name: source.constructor.name,
      acquire: acquirerOf(source),
      continuesOn: continuesChain,
    }));
    // A foreign link has no identity of its own: a fresh id keeps chains of it apart.
    const foreign = sources.map(() => randomUUID());
    const identity = (): CredentialIdentity => ({
      kind: 'ChainedTokenCredential',
      id: `ChainedTokenCredential(${sources
        .map((source, i) => (source instanceof ReactiveCredential ? source.identityId : foreign[i]))
        .join(',')})`,
      label: `ChainedTokenCredential(${this.links.map((l) => l.name).join(',')})`,
    });
    this.bind(identity());
    // A link signed in as someone else (a developer tool) yields other tokens: so does the chain.
    for (const source of sources)
      if (source instanceof ReactiveCredential)
        source.onIdentityChange(() => this.rebind(identity()));
  }

  protected override resolveRequestTenant(tenantId: string | undefined): string | undefined {
    return tenantId === undefined ? undefined : checkTenantId(tenantId);
  }

  protected acquireToken(request: AcquireRequest): Observable<AccessToken> {
    const order = this.links.map((_, i) => i);
    const walk: ChainWalk = {
      request,
      tracer: this.services.tracer,
      name: 'ChainedTokenCredential',
      decided: chainDecisions(this.services, this.tokenManager, () => this.boundIdentity, request),
    };
    return walkChain(this.links, order, walk).pipe(map(({ token }) => token));
  }
}
