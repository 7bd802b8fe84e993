#!/usr/bin/env node
/**
 * The `reactive-identity` command: `serve` (the token sidecar; what `npm start` runs), `token`
 * (one token for a script) and `emulator` (a local Entra authority for your own app).
 * Exit codes: 0 done, 1 failed, 2 bad command line.
 */
import { parseArgs } from 'node:util';
import { parseServeArgs } from './serveArgs.js';
import { parseTokenArgs } from './tokenArgs.js';
import { messageOf, positiveNumber, portNumber, USAGE, UsageError } from './usage.js';

// Each command loads the library (credentials, emulator, service) only once its command line is
// read: a bad one is refused without that cost.

/**
 * Aborts on the first SIGINT or SIGTERM, so every command shuts down cleanly; a second one while
 * shutting down exits at once (code 1).
 */
function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) {
      process.stderr.write('reactive-identity: second signal, exiting now.\n');
      process.exit(1);
    }
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return controller.signal;
}

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h' || rest.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const io = { out: process.stdout, err: process.stderr, env: process.env };
  if (command === 'serve') {
    const config = parseServeArgs(rest);
    const { runServe } = await import('./serveCommand.js');
    return runServe(config, { ...io, signal: stopSignal() });
  }
  if (command === 'token') {
    const config = parseTokenArgs(rest);
    const { runToken } = await import('./tokenCommand.js');
    return runToken(config, io);
  }
  if (command === 'emulator') {
    const { values } = parseArgs({
      args: rest,
      options: {
        lifetime: { type: 'string' },
        port: { type: 'string' },
        app: { type: 'string', multiple: true },
        'ca-file': { type: 'string' },
      },
      strict: true,
    });
    const { runEmulator } = await import('./emulatorCommand.js');
    await runEmulator({
      signal: stopSignal(),
      port: portNumber(values.port, '--port'),
      tokenLifetimeSeconds: positiveNumber(values.lifetime, '--lifetime'),
      apps: values.app ?? [],
      caFile: values['ca-file'],
    });
    return 0;
  }
  throw new UsageError(`Unknown command "${command}".`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = messageOf(error);
    const usage =
      error instanceof UsageError ||
      (error as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS');
    process.stderr.write(
      `reactive-identity: ${message}\n${usage ? "Run 'reactive-identity help' for usage.\n" : ''}`,
    );
    process.exit(usage ? 2 : 1);
  },
);
