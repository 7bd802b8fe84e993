/**
 * `reactive-identity serve`: the token sidecar as a long-running service. One engine and one
 * credential (Azure's when configured, else the embedded emulator with the demo workload); one
 * HTTP server with the token endpoint, `/healthz`, `/readyz`, `/metrics` and the dashboard; a
 * graceful shutdown when `signal` fires (stop accepting, finish in-flight requests, close the
 * engine).
 */
import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Environment } from '../credentials/base/authorityHost.js';
import type { Emulator } from '../emulator/index.js';
import { createDashboard, EVENTS_PATH } from '../service/dashboard/index.js';
import { createIdentitySecret, readIdentitySecretFile } from '../service/identityHeader.js';
import { distributedCacheFrom } from '../cache/redis/redisOptions.js';
import { isLoopbackHost, isWildcardHost, loopbackPeersOnly } from '../service/hostPolicy.js';
import { createServiceMetrics, METRICS_PATH } from '../service/metrics/index.js';
import { startServiceServer, type ServiceServer } from '../service/serviceServer.js';
import { removeSidecarEnvFile, writeSidecarEnvFile } from '../service/sidecarEnvFile.js';
import { SidecarService } from '../service/sidecarService.js';
import { TOKEN_PATH } from '../service/tokenEndpoint.js';
import type { TokenSource } from '../service/tokenSources.js';
import { TokenManager } from '../streams/tokenManager.js';
import { startupBanner } from './banner.js';
import { azureTokenSource, isAzureConfigured } from './credentialChoice.js';
import { emulatorTokenSource, startDemoWorkload, type DemoWorkload } from './demoWorkload.js';
import type { ServeConfig } from './serveArgs.js';
import { untilAborted } from './untilAborted.js';
import { messageOf, UsageError } from './usage.js';

/** Where `serve` reads and writes. */
export interface ServeIo {
  /** Stops the service when it fires (SIGINT/SIGTERM in the CLI). */
  signal: AbortSignal;
  out: Writable;
  err: Writable;
  env: Environment;
  /** Called once the server listens, with its URL (tests). */
  onListening?(url: string): void;
}

/** Runs the service until `io.signal` fires; resolves with the exit code. */
export async function runServe(config: ServeConfig, io: ServeIo): Promise<number> {
  const closers: (() => unknown)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const secret = await loadSecret(config);
    const tls = await loadTls(config);
    const metrics = createServiceMetrics({
      otlp: config.otlpUrl === undefined ? undefined : { url: config.otlpUrl },
    });
    closers.push(() => metrics.shutdown());
    // REACTIVE_IDENTITY_REDIS_URL: sidecars on many machines share one acquisition per key.
    const tokenManager = new TokenManager({
      meterProvider: metrics.meterProvider,
      distributedCache: distributedCacheFrom(undefined, io.env),
    });
    closers.push(() => tokenManager.close());
    const { source, emulator } = await tokenSource(config, io, tokenManager);
    if (emulator !== undefined) closers.push(() => emulator.stop());
    const service = new SidecarService({
      tokenManager,
      source,
      secret,
      scopes: config.scopes,
      allowResources: config.allowResources,
      maxResources: config.maxResources,
    });
    closers.push(() => service.close());
    const recording = service.view.sidecarEvents$.subscribe((e) => metrics.recordSidecarRequest(e));
    closers.push(() => recording.unsubscribe());
    const dashboard = createDashboard(service.view);
    const local = isLoopbackHost(config.host);
    const views = [metrics.route, dashboard.route].map((route) =>
      local ? route : loopbackPeersOnly(route, isViewPath),
    );
    const server = await listen(config, tls, [...service.routes, ...views], service);
    closers.push(async () => {
      const closing = server.close();
      // Server-Sent Events streams are in flight until the dashboard ends them.
      dashboard.close();
      await closing;
    });
    const endpoint = endpointUrl(server);
    refuseSelfLoop(io.env, endpoint, config, emulator !== undefined);
    const envFile = config.sidecarEnvFile;
    if (envFile !== undefined) {
      await writeSidecarEnvFile(envFile, { endpoint, secret });
      closers.push(() => removeSidecarEnvFile(envFile));
    }
    io.out.write(
      startupBanner({
        description: source.description,
        url: server.url,
        endpoint,
        scopes: service.scopes,
        sidecarEnvFile: config.sidecarEnvFile,
        secret: config.showIdentityHeader ? secret : undefined,
      }),
    );
    io.onListening?.(server.url);
    let demo: DemoWorkload | undefined;
    if (emulator !== undefined) {
      demo = startDemoWorkload({
        credential: source.credential,
        tokenManager,
        out: io.out,
        intervalMs: config.intervalMs,
      });
    }
    await untilAborted(io.signal);
    io.out.write('Shutting down: finishing in-flight requests...\n');
    const failures = demo?.stop() ?? [];
    await closeAll();
    io.out.write(
      failures.length === 0
        ? 'Stopped cleanly.\n'
        : `Stopped; demo stream errors:\n${failures.join('\n')}\n`,
    );
    return 0;
  } finally {
    await closeAll();
  }
}

async function tokenSource(
  config: ServeConfig,
  io: ServeIo,
  tokenManager: TokenManager,
): Promise<{ source: TokenSource; emulator?: Emulator }> {
  const name = config.credential ?? (isAzureConfigured(io.env) ? 'default' : 'emulator');
  if (name === 'emulator') return emulatorTokenSource(tokenManager, config.tokenLifetimeSeconds);
  const source = azureTokenSource(name, {
    tokenManager,
    env: io.env,
    tenantId: config.tenantId,
    prompt: (message) => io.err.write(`${message}\n`),
  });
  return { source };
}

async function loadSecret(config: ServeConfig): Promise<string> {
  if (config.identityHeaderFile === undefined) return createIdentitySecret();
  try {
    return await readIdentitySecretFile(config.identityHeaderFile);
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
}

async function loadTls(config: ServeConfig): Promise<{ cert: string; key: string } | undefined> {
  if (config.tls === undefined) return undefined;
  const read = (path: string, flag: string) =>
    readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`${flag} ${path}: cannot be read (${error.code ?? 'error'}).`);
    });
  return {
    cert: await read(config.tls.certFile, '--tls-cert'),
    key: await read(config.tls.keyFile, '--tls-key'),
  };
}

async function listen(
  config: ServeConfig,
  tls: { cert: string; key: string } | undefined,
  routes: Parameters<typeof startServiceServer>[0]['routes'],
  service: SidecarService,
): Promise<ServiceServer> {
  try {
    return await startServiceServer({
      host: config.host,
      port: config.port,
      tls,
      routes,
      onRefused: (event) => service.record(event),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(
        `${config.host}:${config.port} is already in use (another reactive-identity serve?). ` +
          'Pass --port <n>, or --port 0 for a free port.',
      );
    }
    if (code === 'EADDRNOTAVAIL')
      throw new UsageError(`--host ${config.host} is not an address of this machine.`);
    throw error;
  }
}

/** The dashboard's and the metrics' paths: on a remote bind, for this machine's clients only. */
function isViewPath(pathname: string): boolean {
  return (
    pathname === '/' ||
    pathname === EVENTS_PATH ||
    pathname === METRICS_PATH ||
    pathname.startsWith('/assets/')
  );
}

/** `IDENTITY_ENDPOINT` for clients: a wildcard bind is reached on 127.0.0.1. */
function endpointUrl(server: ServiceServer): string {
  const scheme = server.url.startsWith('https:') ? 'https' : 'http';
  const host = isWildcardHost(server.host)
    ? '127.0.0.1'
    : server.host.includes(':')
      ? `[${server.host}]`
      : server.host;
  return `${scheme}://${host}:${server.port}${TOKEN_PATH}`;
}

/**
 * A managed identity source whose `IDENTITY_ENDPOINT` is this very sidecar (its own sidecar-env
 * file sourced into its environment) would ask itself for every token: refuse to run.
 */
function refuseSelfLoop(
  env: Environment,
  endpoint: string,
  config: ServeConfig,
  emulator: boolean,
) {
  if (emulator || env.IDENTITY_ENDPOINT === undefined) return;
  let theirs: URL;
  try {
    theirs = new URL(env.IDENTITY_ENDPOINT);
  } catch {
    return;
  }
  const ours = new URL(endpoint);
  if (
    theirs.port === ours.port &&
    ['127.0.0.1', 'localhost', ours.hostname].includes(theirs.hostname)
  ) {
    throw new UsageError(
      `IDENTITY_ENDPOINT (${env.IDENTITY_ENDPOINT}) is this sidecar itself (--credential ` +
        `${config.credential ?? 'default'} would ask itself for tokens). Unset IDENTITY_ENDPOINT ` +
        "and IDENTITY_HEADER in the sidecar's own environment.",
    );
  }
}
