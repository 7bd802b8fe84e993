import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { interval, Subscription } from 'rxjs';
import { ClientSecretCredential } from '../credentials/clientSecretCredential.js';
import { startEmulator } from '../emulator/index.js';
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
  const clientId = randomUUID();
  const clientSecret = randomUUID();
  const emulator = await startEmulator({
    apps: [{ clientId, clientSecret, displayName: 'reactive-identity demo' }],
    tokenLifetimeSeconds: lifetime,
    caeTokenLifetimeSeconds: lifetime * 2,
  });
  const manager = new TokenManager();
  const credential = new ClientSecretCredential(emulator.tenantId, clientId, clientSecret, {
    authorityHost: emulator.url,
    tlsOptions: { ca: emulator.ca },
    tokenManager: manager,
    env: {},
  });
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
  out.write(
    `reactive-identity serve: token streams on the embedded Entra emulator, ${emulator.url}\n`,
  );
  out.write(`Tokens live ${lifetime} s and refresh ahead of expiry. Ctrl-C stops.\n\n`);
  const tick = () => {
    for (const { scope, enableCae } of DEMO_STREAMS)
      void credential.getToken(scope, { enableCae }).catch(() => undefined);
    const table = renderStatusTable(manager.snapshot(), Date.now());
    // On a terminal, redraw in place below the banner; elsewhere (logs, CI), append.
    if ((out as { isTTY?: boolean }).isTTY) out.write(`\x1b[4;1H\x1b[J${table}\n`);
    else out.write(`${table}\n\n`);
  };
  subscriptions.add(interval(options.refreshIntervalMs ?? 1000).subscribe(tick));
  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    else options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  subscriptions.unsubscribe();
  await credential.close();
  await manager.close();
  await emulator.stop();
  out.write(
    failures.length === 0
      ? 'Stopped cleanly.\n'
      : `Stopped; stream errors:\n${failures.join('\n')}\n`,
  );
}
