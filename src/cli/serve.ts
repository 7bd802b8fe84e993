import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { untilAborted } from './untilAborted.js';
import { interval, Subscription } from 'rxjs';
import { ClientSecretCredential } from '../credentials/servicePrincipal/clientSecretCredential.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import type { Environment } from '../credentials/base/authorityHost.js';
import {
  EnvironmentCredential,
  isEnvironmentConfigured,
} from '../credentials/servicePrincipal/environmentCredential.js';
import type { ReactiveCredential } from '../streams/reactiveCredential.js';
import { TokenManager } from '../streams/tokenManager.js';
import { renderStatusTable } from './statusTable.js';

/** Options of the demo service. */
export interface ServeOptions {
  /** Lifetime of the emulator's tokens, in seconds. Default 120, so refreshes are visible. */
  tokenLifetimeSeconds?: number;
  /** How often the status table is printed, in ms. Default 1000. */
  refreshIntervalMs?: number;
  /** Where the table goes. Default stdout. */
  out?: Writable;
  /** Stops the service when it fires (Ctrl-C in the CLI). */
  signal: AbortSignal;
  /** Where Azure configuration is read. Default `process.env`. */
  env?: Environment;
}

/** The keys the demo holds: three resources, and one of them with CAE. */
export const DEMO_STREAMS: { scope: string; enableCae: boolean }[] = [
  { scope: 'https://storage.azure.com/.default', enableCae: false },
  { scope: 'https://vault.azure.net/.default', enableCae: false },
  { scope: 'https://graph.microsoft.com/.default', enableCae: false },
  { scope: 'https://storage.azure.com/.default', enableCae: true },
];

/**
 * Runs the service on the embedded emulator: token streams that refresh themselves, callers that
 * ask for tokens every second (cache hits), and a live status table, until `signal` fires.
 */
export async function serve(options: ServeOptions): Promise<void> {
  const out = options.out ?? process.stdout;
  const lifetime = options.tokenLifetimeSeconds ?? 120;
  const manager = new TokenManager();
  const source = await tokenSource(options.env ?? process.env, manager, lifetime);
  const { credential } = source;
  const subscriptions = new Subscription();
  const failures: string[] = [];
  for (const { scope, enableCae } of DEMO_STREAMS) {
    subscriptions.add(
      credential
        .token$(scope, { enableCae })
        .subscribe({ error: (e: unknown) => failures.push(String(e)) }),
    );
  }
  if ((out as { isTTY?: boolean }).isTTY) out.write('\x1b[2J\x1b[H');
  out.write(`reactive-identity serve: token streams from ${source.description}\n`);
  out.write(`Streams refresh tokens ahead of expiry. Ctrl-C stops.\n\n`);
  const tick = () => {
    for (const { scope, enableCae } of DEMO_STREAMS)
      void credential.getToken(scope, { enableCae }).catch(() => undefined);
    const table = renderStatusTable(manager.snapshot(), Date.now());
    // On a terminal, redraw in place below the banner; elsewhere (logs, CI), append.
    if ((out as { isTTY?: boolean }).isTTY) out.write(`\x1b[4;1H\x1b[J${table}\n`);
    else out.write(`${table}\n\n`);
  };
  subscriptions.add(interval(options.refreshIntervalMs ?? 1000).subscribe(tick));
  await untilAborted(options.signal);
  subscriptions.unsubscribe();
  await credential.close();
  await manager.close();
  await source.emulator?.stop();
  out.write(
    failures.length === 0
      ? 'Stopped cleanly.\n'
      : `Stopped; stream errors:\n${failures.join('\n')}\n`,
  );
}

/**
 * The credential the service uses: `EnvironmentCredential` when the environment configures a
 * service principal (real Azure), otherwise a client-secret app on the embedded emulator.
 */
async function tokenSource(
  env: Environment,
  tokenManager: TokenManager,
  lifetime: number,
): Promise<{ credential: ReactiveCredential; description: string; emulator?: Emulator }> {
  if (isEnvironmentConfigured(env)) {
    const credential = new EnvironmentCredential({ env, tokenManager });
    return {
      credential,
      description: `EnvironmentCredential (AZURE_CLIENT_ID ${env.AZURE_CLIENT_ID})`,
    };
  }
  const clientId = randomUUID();
  const clientSecret = randomUUID();
  const emulator = await startEmulator({
    apps: [{ clientId, clientSecret, displayName: 'reactive-identity demo' }],
    tokenLifetimeSeconds: lifetime,
    caeTokenLifetimeSeconds: lifetime * 2,
  });
  const credential = new ClientSecretCredential(emulator.tenantId, clientId, clientSecret, {
    authorityHost: emulator.url,
    tlsOptions: { ca: emulator.ca },
    tokenManager,
    env: {},
  });
  return {
    credential,
    description: `the embedded Entra emulator, ${emulator.url} (tokens live ${lifetime} s)`,
    emulator,
  };
}
