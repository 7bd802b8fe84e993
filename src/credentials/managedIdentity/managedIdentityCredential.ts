import type { AccessToken } from '@azure/core-auth';
import { catchError, defer, from, Observable, retry, switchMap, throwError, timer } from 'rxjs';
import {
  AuthenticationError,
  CredentialUnavailableError,
  InvalidArgumentError,
  NetworkError,
} from '../../errors.js';
import { ReactiveCredential } from '../../streams/reactiveCredential.js';
import type { AcquireRequest } from '../../streams/tokenManager.js';
import { createLogger, logLevelFromEnv } from '../../telemetry/logger.js';
import type { TokenCredentialOptions } from '../base/credentialOptions.js';
import { trustedCa, type PipelineRetryOptions } from '../base/pipelineOptions.js';
import { defaultArcKeyDirectory, readArcChallenge } from './azureArcChallenge.js';
import { ImdsProbe } from './imdsProbe.js';
import {
  headerSecrets,
  miRequest,
  networkCode,
  UNREACHABLE_CODES,
  type MiResponse,
} from './miHttp.js';
import { parseMiResponse } from './miResponse.js';
import { miRetryDelay } from './retryPolicy.js';
import {
  detectSource,
  IMDS_TOKEN_PATH,
  notThere,
  scopeToResource,
  type ManagedIdentityId,
  type MiSource,
} from './sources.js';

/** Options of {@link ManagedIdentityCredential}. */
export interface ManagedIdentityCredentialOptions extends TokenCredentialOptions {
  /** A user-assigned identity by client id. Only one of clientId, resourceId, objectId. */
  clientId?: string;
  /** A user-assigned identity by Azure resource id. */
  resourceId?: string;
  /** A user-assigned identity by object (principal) id. */
  objectId?: string;
  /**
   * Retries of transient answers: `maxRetries` (default: IMDS 5 from 800 ms; other hosts 3 from
   * 1 s). The pipeline's other retry fields are accepted and have no effect.
   */
  retryOptions?: PipelineRetryOptions;
  /**
   * Before the first IMDS request, a quick probe (no retries) that tells within `timeoutMs`
   * whether IMDS is there at all, so a chain moves on at once on a laptop. Default off;
   * `DefaultAzureCredential` turns it on. An answer is remembered; a failure is not (the next
   * acquisition probes again). Pod identity's host (`AZURE_POD_IDENTITY_AUTHORITY_HOST`) is never
   * probed, as in the anchor; `REACTIVE_IDENTITY_IMDS_HOST` moves IMDS itself (probed) elsewhere.
   */
  probeImds?: boolean | { timeoutMs?: number };
  /** Where Azure Arc's agent writes challenge keys. Default: the platform's agent directory. */
  arcKeyDirectory?: string;
}

/** `@azure/identity`'s options naming a user-assigned identity by client id. */
export interface ManagedIdentityCredentialClientIdOptions extends TokenCredentialOptions {
  /** The client id of the user-assigned identity, or app registration (AKS pod identity). */
  clientId?: string;
}

/** `@azure/identity`'s options naming a user-assigned identity by Azure resource id. */
export interface ManagedIdentityCredentialResourceIdOptions extends TokenCredentialOptions {
  resourceId: string;
}

/** `@azure/identity`'s options naming a user-assigned identity by object (principal) id. */
export interface ManagedIdentityCredentialObjectIdOptions extends TokenCredentialOptions {
  objectId: string;
}

export const DEFAULT_IMDS_PROBE_TIMEOUT_MS = 1_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Authenticates as the managed identity of the Azure host the code runs on: Service Fabric,
 * App Service and Functions, Azure Machine Learning, Cloud Shell, Azure Arc, or IMDS (virtual
 * machines, scale sets, AKS nodes), detected from the environment in that order. Acquisition only:
 * caching and refresh (at half the lifetime for tokens longer than two hours) are the engine's.
 *
 * @example
 * ```ts
 * const systemAssigned = new ManagedIdentityCredential();
 * const userAssigned = new ManagedIdentityCredential({ clientId: '<client id>' });
 * ```
 */
export class ManagedIdentityCredential extends ReactiveCredential {
  private readonly source: MiSource;
  private readonly id: ManagedIdentityId | undefined;
  private readonly options: ManagedIdentityCredentialOptions;
  private probe: ImdsProbe | undefined;

  constructor(clientId?: string, options?: ManagedIdentityCredentialOptions);
  constructor(options?: ManagedIdentityCredentialClientIdOptions);
  constructor(options?: ManagedIdentityCredentialResourceIdOptions);
  constructor(options?: ManagedIdentityCredentialObjectIdOptions);
  constructor(options?: ManagedIdentityCredentialOptions);
  constructor(
    clientIdOrOptions?: string | ManagedIdentityCredentialOptions,
    maybeOptions: ManagedIdentityCredentialOptions = {},
  ) {
    const options =
      typeof clientIdOrOptions === 'string'
        ? { ...maybeOptions, clientId: clientIdOrOptions }
        : (clientIdOrOptions ?? {});
    super(options);
    this.options = options;
    const env = options.env ?? process.env;
    this.logger = createLogger('ManagedIdentityCredential', {
      level: options.loggingOptions?.logLevel ?? logLevelFromEnv(env),
      sink: options.loggingOptions?.sink,
    });
    this.id = selectedIdentity(options);
    this.source = detectSource(env);
    const arc = options.arcKeyDirectory ?? defaultArcKeyDirectory(process.platform, env);
    this.options = { ...options, arcKeyDirectory: arc };
    const idText = this.id === undefined ? 'system' : Object.entries(this.id)[0]!.join('=');
    this.bind({
      kind: 'ManagedIdentityCredential',
      id: `ManagedIdentityCredential|${this.source.name}|${this.source.endpoint}|${idText}`,
      label: `ManagedIdentityCredential(${this.source.name}, ${idText})`,
    });
  }

  protected acquireToken(request: AcquireRequest): Observable<AccessToken> {
    const resource = scopeToResource(request.scopes);
    const schedule = this.source.retry;
    const maxRetries = this.options.retryOptions?.maxRetries ?? schedule.maxRetries;
    // The probe is shared: a caller that leaves unsubscribes from it, and never aborts it.
    return defer(() => from(this.probeOnce())).pipe(
      switchMap(() => defer(() => this.attempt(resource, request.abortSignal))),
      retry({
        count: maxRetries,
        delay: (error: unknown, count: number) => {
          if (!(error instanceof AuthenticationError) || !schedule.retries(error.statusCode))
            return throwError(() => error);
          // Told to wait longer than the schedule ever would: the caller hears it now.
          if ((error.retryAfterMs ?? 0) > schedule.maxRetryAfterMs) return throwError(() => error);
          const delay = miRetryDelay(
            schedule,
            count - 1,
            error.statusCode,
            this.services.random,
            error.retryAfterMs,
          );
          return timer(delay, this.services.scheduler);
        },
      }),
      // Retried as far as the source's schedule goes: the error says so, and the engine does
      // not retry a first acquisition again (it is still transient for later refreshes).
      catchError((error: unknown) => {
        if (!(error instanceof AuthenticationError) || !error.transient)
          return throwError(() => error);
        const { statusCode, errorResponse, retryAfterMs } = error;
        return throwError(
          () =>
            new AuthenticationError(statusCode, errorResponse, {
              cause: error,
              retryAfterMs,
              retriesExhausted: true,
            }),
        );
      }),
    );
  }

  /** One request (two for Arc's challenge), mapped to a token or a typed error. */
  private async attempt(resource: string, signal: AbortSignal): Promise<AccessToken> {
    const spec = this.source.request(resource, this.id);
    const timeoutMs = this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const send = (extra: Record<string, string> = {}): Promise<MiResponse> =>
      miRequest({
        ...spec,
        headers: { ...spec.headers, ...extra },
        timeoutMs,
        ca: trustedCa(this.options.tlsOptions),
        signal,
      }).catch((error: unknown) => {
        throw this.unreachable(error) ?? error;
      });
    let response = await send();
    // What the answer must never repeat: the identity header, Arc's key.
    const secrets = headerSecrets(spec.headers);
    if (this.source.name === 'AzureArc' && response.status === 401) {
      const key = await readArcChallenge(response, this.options.arcKeyDirectory);
      secrets.push(key);
      response = await send({ Authorization: `Basic ${key}` });
    }
    if (response.status === 403 && /unreachable/i.test(response.text)) {
      throw notThere(
        this.source,
        'the network is unreachable (a container without a managed identity endpoint)',
      );
    }
    return parseMiResponse(
      response,
      this.services.scheduler.now(),
      `ManagedIdentityCredential (${this.source.name})`,
      secrets,
    );
  }

  /** IMDS only: a quick probe without retries, until IMDS has answered one. */
  private probeOnce(): Promise<void> {
    const setting = this.options.probeImds;
    if (setting === undefined || setting === false || !this.source.probe) return Promise.resolve();
    this.probe ??= new ImdsProbe({
      source: this.source,
      timeoutMs:
        typeof setting === 'object'
          ? (setting.timeoutMs ?? DEFAULT_IMDS_PROBE_TIMEOUT_MS)
          : DEFAULT_IMDS_PROBE_TIMEOUT_MS,
      scheduler: this.services.scheduler,
      backstopMs: this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    });
    return this.probe.check();
  }

  /** A request that got no answer because nothing is there: the credential is unavailable. */
  private unreachable(error: unknown): CredentialUnavailableError | undefined {
    const code = networkCode(error);
    if (!(error instanceof NetworkError) || code === undefined || !UNREACHABLE_CODES.has(code))
      return undefined;
    return notThere(this.source, code);
  }
}

function selectedIdentity(
  options: ManagedIdentityCredentialOptions,
): ManagedIdentityId | undefined {
  const given = (['clientId', 'resourceId', 'objectId'] as const).filter(
    (k) => options[k] !== undefined && options[k] !== '',
  );
  if (given.length > 1) {
    throw new InvalidArgumentError(
      `ManagedIdentityCredential: specify only one of clientId, resourceId or objectId (got ${given.join(', ')}).`,
    );
  }
  const [kind] = given;
  if (kind === undefined) return undefined;
  return { [kind]: options[kind]! } as ManagedIdentityId;
}

export { IMDS_TOKEN_PATH };
