import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { defer, filter, tap, type Observable, type ObservableInput } from 'rxjs';
import { ClosedError } from '../errors.js';
import type { DistributedCacheOptions } from '../cache/redis/redisOptions.js';
import type { TokenEvent } from '../telemetry/events.js';
import type { IdentityLogger } from '../telemetry/logger.js';
import {
  getDefaultTokenManager,
  type TokenCachePersistenceOptions,
} from './defaultTokenManager.js';
import type { KeyStream } from './key/keyStream.js';
import type { KeySnapshot } from './snapshot.js';
import { ScopeMemo } from './scopeMemo.js';
import { normalizeScopes, type CredentialIdentity, type TokenRequest } from './streamKey.js';
import type { AcquireRequest, CredentialBinding, TokenManager } from './tokenManager.js';
import type { CredentialServices } from './credentialServices.js';
import { heldBy, reissueAfterRebind } from './credentialRegistry.js';

/** Options every credential accepts for the engine. */
export interface ReactiveCredentialOptions {
  /**
   * The engine whose streams and cache this credential uses. Default: one process-wide engine, so
   * instances with the same configuration share tokens. Pass your own for isolation or for a
   * custom scheduler, cache layers or telemetry providers.
   */
  tokenManager?: TokenManager;
  /**
   * As in `@azure/identity`: `{ enabled: true, name?, unsafeAllowUnencryptedStorage? }` keeps
   * tokens and MSAL's accounts in a lock-guarded, encrypted file shared by every process of the
   * user (key: `REACTIVE_IDENTITY_CACHE_KEY` or `encryptionKey`). Ignored when `tokenManager` is
   * given.
   */
  tokenCachePersistenceOptions?: TokenCachePersistenceOptions;
  /**
   * Shares tokens with every machine of a fleet through Redis, below memory (and disk): one token
   * request per key per refresh window across the fleet. Values are encrypted with the disk
   * cache's key (`REACTIVE_IDENTITY_CACHE_KEY` or `encryptionKey`). Default: Redis at
   * `REACTIVE_IDENTITY_REDIS_URL` when that is set (in `env`), else none. Ignored when
   * `tokenManager` is given.
   */
  distributedCache?: DistributedCacheOptions;
}

/** Options of `token$`. */
export interface TokenStreamOptions {
  tenantId?: string;
  enableCae?: boolean;
}

/** The key under which a credential exposes its one uncached acquisition to chains. */
export const acquireUncached: unique symbol = Symbol('reactive-identity.acquireUncached');

/**
 * The base of every credential: a `TokenCredential` whose `getToken` is a thin face over the
 * engine's shared streams, plus `token$`, `events$`, `snapshot()` and `close()`. Subclasses only
 * say who they are (`bind`) and how to acquire one token (`acquireToken`).
 */
export abstract class ReactiveCredential implements TokenCredential {
  protected readonly tokenManager: TokenManager;
  /** Where the credential logs its acquisitions (lines are redacted by the logger). */
  protected logger: IdentityLogger | undefined;
  private identity: CredentialIdentity | undefined;
  private readonly memo = new ScopeMemo();
  private readonly identityListeners: (() => void)[] = [];
  private binding: CredentialBinding | undefined;
  private closed = false;

  protected constructor(options: ReactiveCredentialOptions = {}) {
    this.tokenManager =
      options.tokenManager ??
      getDefaultTokenManager(options.tokenCachePersistenceOptions, {
        distributedCache: options.distributedCache,
        // Credentials that read the environment take it as `env` (TokenCredentialOptions).
        env: (options as { env?: Readonly<Record<string, string | undefined>> }).env,
      });
  }

  /** What the engine lends this credential: its clock, jitter, tracer and MSAL caches. */
  protected get services(): CredentialServices {
    return this.tokenManager.services;
  }

  /** One acquisition, uncached and cold; the engine calls it, never a user. */
  protected abstract acquireToken(request: AcquireRequest): ObservableInput<AccessToken>;

  /** The tenant a request goes to; credentials with a tenant policy override this. */
  protected resolveRequestTenant(tenantId: string | undefined): string | undefined {
    return tenantId;
  }

  /** Registers this instance with the engine; call once at the end of the subclass constructor. */
  protected bind(identity: CredentialIdentity): void {
    this.identity = identity;
    this.binding = { identity, acquire: (request) => this[acquireUncached](request) };
    this.tokenManager.attach(this.binding);
  }

  /**
   * Binds this instance to a new identity (its configuration now yields other tokens: a developer
   * tool signed in as someone else). The old identity's streams close when no instance is left on
   * it, and later calls use the new one's streams, caches and keys.
   */
  protected rebind(identity: CredentialIdentity): void {
    const old = this.binding;
    if (this.closed || old?.identity.id === identity.id) return;
    this.memo.clear();
    this.bind(identity);
    if (old !== undefined) this.tokenManager.detach(old);
    for (const listener of this.identityListeners) listener();
  }

  /**
   * Calls `listener` each time this credential binds a new identity, so that a chain that caches
   * on its links' identities re-keys too.
   */
  onIdentityChange(listener: () => void): void {
    this.identityListeners.push(listener);
  }

  /** The identity this instance is bound to now (`undefined` before its constructor binds one). */
  protected get boundIdentity(): CredentialIdentity | undefined {
    return this.identity;
  }

  /** The identity's unique id, so that chains of equal links share their streams. */
  get identityId(): string {
    return this.self().id;
  }

  /** Used by chains: resolves the tenant, then acquires once without any cache. */
  [acquireUncached](request: AcquireRequest): ObservableInput<AccessToken> {
    const scopes = request.scopes.join(' ');
    return defer(() =>
      this.acquireToken({ ...request, tenantId: this.resolveRequestTenant(request.tenantId) }),
    ).pipe(
      tap({
        next: () =>
          this.logger?.info(`getToken() => SUCCESS. Scopes: ${scopes}. Reason: ${request.reason}.`),
        error: (error: unknown) =>
          this.logger?.info(
            `getToken() => ERROR. Scopes: ${scopes}. ${error instanceof Error ? error.message : String(error)}`,
          ),
      }),
    );
  }

  /**
   * A token for `scopes`: the current one when it is usable (a lookup), otherwise the result of
   * the key's one shared acquisition. `claims` force a new acquisition; `abortSignal` cancels this
   * caller's wait only. Never resolves to `null`.
   */
  getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    if (this.closed) return Promise.reject(new ClosedError('This credential has been closed.'));
    // Calls without a tenant or claims remember their stream: the same scopes again are a lookup.
    const memoable = options.tenantId === undefined && options.claims === undefined;
    const cae = options.enableCae === true;
    let stream = memoable ? this.memo.get(scopes, cae) : undefined;
    if (stream === undefined) {
      try {
        stream = this.tokenManager.keyStream(this.self(), this.toRequest(scopes, options));
      } catch (error) {
        return Promise.reject(error);
      }
      if (memoable) this.memo.set(scopes, cae, stream);
    }
    // The engine holds credentials weakly: a waiting caller keeps this one, its acquirer, alive.
    return this.tokenManager.getTokenFrom(stream, options, this);
  }

  /**
   * After a rebind closed `stream` under a waiting call (its identity is no longer this
   * instance's), the call is asked again on the identity bound now.
   */
  [reissueAfterRebind](
    stream: KeyStream,
  ): ((options: GetTokenOptions) => Promise<AccessToken>) | undefined {
    const current = this.identity?.id;
    if (this.closed || current === undefined || stream.key.id.startsWith(`${current}|`)) return;
    return (options) => this.getToken([...stream.key.scopes], options);
  }

  /** A stream of tokens for `scopes`: a usable one at once, then each refreshed one. */
  token$(scopes: string | string[], options: TokenStreamOptions = {}): Observable<AccessToken> {
    return defer(() => {
      if (this.closed) throw new ClosedError('This credential has been closed.');
      const tokens = this.tokenManager.token$(this.self(), this.toRequest(scopes, options));
      // The engine holds credentials weakly: a subscription keeps this one, its acquirer, alive.
      return tokens.pipe(heldBy(this));
    });
  }

  /** This credential's events (its keys only). */
  get events$(): Observable<TokenEvent> {
    const ref = this.tokenManager.identityRef(this.self());
    return this.tokenManager.events$.pipe(filter((event) => event.identity === ref));
  }

  /** The state of this credential's keys. */
  snapshot(): KeySnapshot[] {
    const ref = this.tokenManager.identityRef(this.self());
    return this.tokenManager.snapshot().filter((s) => s.identity === ref);
  }

  /** Releases this instance; the streams of its identity close when the last instance closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.binding !== undefined) this.tokenManager.detach(this.binding);
  }

  private toRequest(scopes: string | string[], options: TokenStreamOptions): TokenRequest {
    return {
      scopes: normalizeScopes(scopes),
      tenantId: this.resolveRequestTenant(options.tenantId),
      enableCae: options.enableCae === true,
    };
  }

  private self(): CredentialIdentity {
    if (this.identity === undefined)
      throw new TypeError('A credential must call bind() in its constructor.');
    return this.identity;
  }
}
