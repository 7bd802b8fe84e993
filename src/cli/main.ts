#!/usr/bin/env node
/**
 * The `reactive-identity` command: `serve` (the demo service on the embedded emulator; what
 * `npm start` runs) and `emulator` (a local Entra authority for your own app's development).
 */
import { parseArgs } from 'node:util';
import { runEmulator } from './emulatorCommand.js';
import { serve } from './serve.js';

const USAGE = `Usage:
  reactive-identity serve [--lifetime <seconds>] [--interval <ms>]
      Runs token streams against the embedded emulator and prints a live status table.
  reactive-identity emulator [--port <n>] [--lifetime <seconds>] [--app <clientId:secret>]... [--ca-file <path>]
      Runs a local Microsoft Entra ID emulator over HTTPS on 127.0.0.1.`;

/** Aborts on the first Ctrl-C or SIGTERM, so every command shuts down cleanly. */
function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

function seconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new RangeError(`${name} must be a positive number, got "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      lifetime: { type: 'string' },
      interval: { type: 'string' },
      port: { type: 'string' },
      app: { type: 'string', multiple: true },
      'ca-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const signal = stopSignal();
  if (command === 'serve') {
    await serve({
      signal,
      tokenLifetimeSeconds: seconds(values.lifetime, '--lifetime'),
      refreshIntervalMs: seconds(values.interval, '--interval'),
    });
    return 0;
  }
  if (command === 'emulator') {
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !Number.isInteger(port))
      throw new RangeError(`--port must be an integer, got "${values.port}"`);
    await runEmulator({
      signal,
      port,
      tokenLifetimeSeconds: seconds(values.lifetime, '--lifetime'),
      apps: values.app ?? [],
      caFile: values['ca-file'],
    });
    return 0;
  }
  process.stderr.write(`Unknown command "${command}".\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `reactive-identity: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
