// A child process of the multi-process cache tests. It imports the BUILT library (run
// `node scripts/build.mjs` first) and takes its encryption key from REACTIVE_IDENTITY_CACHE_KEY.
//
//   node cacheWorker.mjs write   '{"directory":…,"id":0,"count":500}'  prints `committed <i>` after each write
//   node cacheWorker.mjs hold    '{"directory":…,"key":"k"}'           prints `locked`, then waits to be killed
//   node cacheWorker.mjs wait    '{"directory":…,"key":"k","holdProcessWhileLocked":false}'
//        prints `waiting` while it waits for the key's lock, and `locked` once it has it
//   node cacheWorker.mjs contend '{"directory":…,"key":"k","rounds":30,"log":…}'
//        appends `<pid> enter|exit <ns>` lines around each time it holds the key's lock
import { appendFileSync } from 'node:fs';
import { DiskLayer } from '../../dist/esm/cache/diskLayer.js';

const HOUR = 3_600_000;
const [mode, json] = process.argv.slice(2);
const args = JSON.parse(json ?? '{}');
const layer = new DiskLayer({
  directory: args.directory,
  now: () => Date.now(),
  lockStaleMs: args.lockStaleMs,
  lockWaitMs: args.lockWaitMs,
  holdProcessWhileLocked: args.holdProcessWhileLocked,
  onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
});

async function write({ id, count }) {
  for (let i = 0; i < count; i++) {
    const now = Date.now();
    await layer.set(`w${id}-${i}`, {
      token: `t${id}-${i}`,
      expiresOnTimestamp: now + HOUR,
      obtainedAt: now,
    });
    process.stdout.write(`committed ${i}\n`);
  }
}

async function hold({ key }) {
  await layer.lockKey(key);
  process.stdout.write('locked\n');
  setInterval(() => undefined, 60_000);
}

async function wait({ key }) {
  const locked = layer.lockKey(key);
  process.stdout.write('waiting\n');
  await locked;
  process.stdout.write('locked\n');
}

function stamp(log, event) {
  appendFileSync(log, `${process.pid} ${event} ${process.hrtime.bigint()}\n`);
}

async function contend({ key, rounds, log }) {
  for (let i = 0; i < rounds; i++) {
    const release = await layer.lockKey(key);
    stamp(log, 'enter');
    // Hold the lock across a few turns of the event loop, as an acquisition would.
    await new Promise((resolve) => setTimeout(resolve, 1 + (i % 3)));
    stamp(log, 'exit');
    await release();
  }
}

const modes = { write, hold, wait, contend };
try {
  await modes[mode](args);
  if (mode !== 'hold') {
    await layer.close();
    process.stdout.write('done\n');
  }
} catch (error) {
  process.stderr.write(`failed: ${error?.code ?? ''} ${error?.message ?? error}\n`);
  process.exitCode = 1;
}
