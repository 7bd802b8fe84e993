import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { untilAborted } from './untilAborted.js';
import { UsageError } from './usage.js';
import type { Writable } from 'node:stream';
import { startEmulator, type EmulatorApp } from '../emulator/index.js';

/** Options of `reactive-identity emulator`. */
export interface EmulatorCommandOptions {
  port?: number;
  tokenLifetimeSeconds?: number;
  /** `clientId:secret` pairs; one random app when empty. */
  apps: string[];
  /** Where to write the CA certificate (PEM) for clients to trust. */
  caFile?: string;
  out?: Writable;
  signal: AbortSignal;
}

/** Runs the emulator until `signal` fires, printing what a client needs to use it. */
export async function runEmulator(options: EmulatorCommandOptions): Promise<void> {
  const out = options.out ?? process.stdout;
  const apps: EmulatorApp[] =
    options.apps.length > 0
      ? options.apps.map(parseApp)
      : [{ clientId: randomUUID(), clientSecret: randomUUID() }];
  const emulator = await startEmulator({
    port: options.port,
    apps,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds,
  });
  if (options.caFile !== undefined) writeFileSync(options.caFile, emulator.ca, { mode: 0o644 });
  out.write(`Entra emulator listening on ${emulator.url}\n`);
  out.write(`  AZURE_AUTHORITY_HOST=${emulator.url}\n  AZURE_TENANT_ID=${emulator.tenantId}\n`);
  for (const app of apps)
    out.write(
      `  app: AZURE_CLIENT_ID=${app.clientId}${options.apps.length === 0 ? ` AZURE_CLIENT_SECRET=${app.clientSecret}` : ''}\n`,
    );
  out.write(
    options.caFile !== undefined
      ? `  CA certificate written to ${options.caFile} (NODE_EXTRA_CA_CERTS=${options.caFile})\n`
      : '  Pass --ca-file <path> to write the CA certificate for clients.\n',
  );
  out.write('Press Ctrl-C to stop.\n');
  await untilAborted(options.signal);
  await emulator.stop();
}

/** `clientId:secret`; a refusal names at most the client id, never any part of the secret. */
function parseApp(spec: string): EmulatorApp {
  const index = spec.indexOf(':');
  if (index < 0) throw new UsageError('--app takes clientId:secret: the value has no colon.');
  if (index === 0)
    throw new UsageError('--app takes clientId:secret: the client id before the colon is empty.');
  const clientId = spec.slice(0, index);
  if (index === spec.length - 1) {
    const shown = /^[\w.-]{1,64}$/.test(clientId) ? ` (client id ${clientId})` : '';
    throw new UsageError(
      `--app takes clientId:secret: the secret after the colon is empty${shown}.`,
    );
  }
  return { clientId, clientSecret: spec.slice(index + 1) };
}
