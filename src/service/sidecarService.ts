/**
 * The sidecar's parts around one engine: the token endpoint, the health routes, the declared
 * streams, and the view that the dashboard and the metrics read. The HTTP server and what else it
 * mounts (dashboard, `/metrics`) are the caller's.
 */
import { Subject } from 'rxjs';
import type { TokenManager } from '../streams/tokenManager.js';
import { DeclaredScopes } from './declaredScopes.js';
import { healthRoutes } from './healthRoutes.js';
import type { ServiceRoute, ServiceView, SidecarRequestEvent } from './serviceContract.js';
import { tokenEndpoint } from './tokenEndpoint.js';
import type { TokenSource } from './tokenSources.js';

/** Options of {@link SidecarService}. */
export interface SidecarServiceOptions {
  /** The engine the source's credentials use. */
  tokenManager: TokenManager;
  /** What serves tokens. Closed with the service. */
  source: TokenSource;
  /** The identity header's value. */
  secret: string;
  /** Declared streams (`--scope`): held open, and what `/readyz` checks. */
  scopes?: readonly string[];
  /** `--allow-resource`: resources served; others get a 403. Empty: all. */
  allowResources?: readonly string[];
  /** Distinct resources served before new ones get a 429 (see `DEFAULT_MAX_RESOURCES`). */
  maxResources?: number;
  /** How long a failed declared stream waits before it is subscribed again. Default 1 s. */
  declaredRetryMs?: number;
  /** How long a request waits for its token. Default 60 s. */
  tokenTimeoutMs?: number;
}

/** The sidecar's routes and view. */
export class SidecarService {
  readonly view: ServiceView;
  /** The token endpoint, `/healthz` and `/readyz`. */
  readonly routes: readonly ServiceRoute[];
  readonly #events = new Subject<SidecarRequestEvent>();
  readonly #declared: DeclaredScopes;
  readonly #source: TokenSource;

  constructor(options: SidecarServiceOptions) {
    const { tokenManager, source } = options;
    const scheduler = tokenManager.services.scheduler;
    this.#source = source;
    this.#declared = new DeclaredScopes({
      credential: source.credential,
      scopes: options.scopes ?? [],
      scheduler,
      retryMs: options.declaredRetryMs,
    });
    const declared = this.#declared;
    this.view = {
      events$: tokenManager.events$,
      sidecarEvents$: this.#events.asObservable(),
      snapshot: () => tokenManager.snapshot(),
      readiness: () => declared.report(),
      description: source.description,
    };
    this.routes = [
      tokenEndpoint({
        source,
        secret: options.secret,
        allowResources: options.allowResources,
        maxResources: options.maxResources,
        record: (event) => this.record(event),
        scheduler,
        timeoutMs: options.tokenTimeoutMs,
      }),
      healthRoutes(() => declared.report()),
    ];
  }

  /** Publishes a request event (the server's refusals come in here too). */
  record(event: SidecarRequestEvent): void {
    this.#events.next(event);
  }

  /** The declared scopes, de-duplicated. */
  get scopes(): string[] {
    return this.#declared.scopes;
  }

  /** Releases the declared streams and the source's credentials; the engine is the caller's. */
  async close(): Promise<void> {
    this.#declared.close();
    this.#events.complete();
    await this.#source.close();
  }
}
