import { randomUUID } from 'node:crypto';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { concatMap, defer, from, Observable, of, throwError, type ObservableInput } from 'rxjs';
import { catchError, first } from 'rxjs/operators';
import {
  AggregateAuthenticationError,
  CredentialUnavailableError,
  isAuthenticationRequiredError,
  isCredentialUnavailableError,
} from '../errors.js';
import {
  acquireUncached,
  ReactiveCredential,
  type ReactiveCredentialOptions,
} from '../streams/reactiveCredential.js';
import type { AcquireRequest } from '../streams/tokenManager.js';
import { Attr, withSpan } from '../telemetry/tracing.js';
import { checkTenantId } from './tenantId.js';

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
  private readonly links: { name: string; acquire: Acquirer }[];

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
    }));
    const ids = sources.map((source) =>
      source instanceof ReactiveCredential ? source.identityId : randomUUID(),
    );
    this.bind({
      kind: 'ChainedTokenCredential',
      id: `ChainedTokenCredential(${ids.join(',')})`,
      label: `ChainedTokenCredential(${this.links.map((l) => l.name).join(',')})`,
    });
  }

  protected override resolveRequestTenant(tenantId: string | undefined): string | undefined {
    return tenantId === undefined ? undefined : checkTenantId(tenantId);
  }

  protected acquireToken(request: AcquireRequest): Observable<AccessToken> {
    const errors: unknown[] = [];
    const attempt = (index: number): Observable<AccessToken> => {
      const link = this.links[index];
      if (link === undefined) {
        return throwError(() =>
          errors.length === 0
            ? new CredentialUnavailableError('ChainedTokenCredential has no credentials to try.')
            : new AggregateAuthenticationError(errors),
        );
      }
      const attributes = { [Attr.chainLink]: link.name, [Attr.reason]: request.reason };
      return withSpan(this.tokenManager.tracer, CHAIN_LINK_SPAN_NAME, attributes, () =>
        from(link.acquire(request)),
      ).pipe(
        first(),
        catchError((error: unknown) => {
          if (!continuesChain(error)) return throwError(() => error);
          errors.push(error);
          return attempt(index + 1);
        }),
      );
    };
    return of(0).pipe(concatMap(attempt));
  }
}
