/**
 * `serve` without Azure: the embedded Entra emulator as the token source, and the demo workload
 * that shows the engine at work (four streams that refresh themselves, callers every second that
 * are cache hits) with a status table: redrawn in place on a terminal, printed when a key's state
 * changes elsewhere (logs, CI).
 */
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { interval, Subscription } from 'rxjs';
import { ClientSecretCredential } from '../credentials/servicePrincipal/clientSecretCredential.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { singleIdentitySource, type TokenSource } from '../service/tokenSources.js';
import type { ReactiveCredential } from '../streams/reactiveCredential.js';
import type { TokenManager } from '../streams/tokenManager.js';
import { renderStatusTable } from './statusTable.js';

/** The keys the demo holds: three resources, and one of them with CAE. */
export const DEMO_STREAMS: { scope: string; enableCae: boolean }[] = [
  { scope: 'https://storage.azure.com/.default', enableCae: false },
  { scope: 'https://vault.azure.net/.default', enableCae: false },
  { scope: 'https://graph.microsoft.com/.default', enableCae: false },
  { scope: 'https://storage.azure.com/.default', enableCae: true },
];

/** Default lifetime of the emulator's tokens, seconds: short, so refreshes are visible. */
export const DEMO_TOKEN_LIFETIME_SECONDS = 120;

/** The embedded emulator and a client-secret app on it, as the sidecar's token source. */
export async function emulatorTokenSource(
  tokenManager: TokenManager,
  lifetimeSeconds = DEMO_TOKEN_LIFETIME_SECONDS,
): Promise<{ source: TokenSource; emulator: Emulator }> {
  const clientId = randomUUID();
  const clientSecret = randomUUID();
  const emulator = await startEmulator({
    apps: [{ clientId, clientSecret, displayName: 'reactive-identity demo' }],
    tokenLifetimeSeconds: lifetimeSeconds,
    caeTokenLifetimeSeconds: lifetimeSeconds * 2,
  });
  const credential = new ClientSecretCredential(emulator.tenantId, clientId, clientSecret, {
    authorityHost: emulator.url,
    tlsOptions: { ca: emulator.ca },
    tokenManager,
    env: {},
  });
  const description = `the embedded Entra emulator, ${emulator.url} (tokens live ${lifetimeSeconds} s)`;
  return { source: singleIdentitySource(credential, { description, clientId }), emulator };
}

/** Options of {@link startDemoWorkload}. */
export interface DemoWorkloadOptions {
  credential: ReactiveCredential;
  tokenManager: TokenManager;
  out: Writable;
  /** Redraw (terminal) or check-for-changes (elsewhere) interval, ms. Default 1000. */
  intervalMs?: number;
}

/** A running demo: `stop()` ends it and returns the stream errors it saw. */
export interface DemoWorkload {
  stop(): string[];
}

/**
 * Holds the demo streams and asks for each every interval. On a terminal the table is redrawn in
 * place below what was printed before; elsewhere it is printed whenever a key's state changes.
 */
export function startDemoWorkload(options: DemoWorkloadOptions): DemoWorkload {
  const { credential, tokenManager, out } = options;
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  const subscriptions = new Subscription();
  const failures: string[] = [];
  for (const { scope, enableCae } of DEMO_STREAMS) {
    subscriptions.add(
      credential
        .token$(scope, { enableCae })
        .subscribe({ error: (e: unknown) => failures.push(String(e)) }),
    );
  }
  // Save the cursor below the banner: each redraw starts there.
  if (tty) out.write('\x1b7');
  let last = '';
  const tick = () => {
    for (const { scope, enableCae } of DEMO_STREAMS)
      void credential.getToken(scope, { enableCae }).catch(() => undefined);
    const snapshots = tokenManager.snapshot();
    const table = renderStatusTable(snapshots, Date.now());
    if (tty) {
      out.write(`\x1b8\x1b[J${table}\n`);
      return;
    }
    const states = snapshots.map((s) => `${s.key}=${s.state}`).join(' ');
    if (states !== last) out.write(`${table}\n\n`);
    last = states;
  };
  subscriptions.add(interval(options.intervalMs ?? 1000).subscribe(tick));
  return {
    stop: () => {
      subscriptions.unsubscribe();
      return failures;
    },
  };
}
