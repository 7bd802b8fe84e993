// Workload 5's microbenchmark: DiskLayer.get on a warm store in one process, with no process
// start-up in the figure. Started by benchmarks/persistence.mjs (with --expose-gc) and given a
// fresh folder in BENCH_DISK_DIR. For each variant (encrypted, unencrypted) one token is written
// with DiskLayer.set, read back as a check and BENCH_DISK_WARMUP times as warm-up (the file is then
// in the page cache), and BENCH_DISK_READS sequential awaited reads are timed one by one. Variants
// alternate over BENCH_DISK_ROUNDS rounds. Then, once, the parts of an encrypted read are timed
// on their own (BENCH_DISK_PART_READS times each): fs/promises readFile of the file, decrypt +
// JSON.parse, and the store's two directory checks (ensurePrivateDirectory, run on every read).
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { DiskLayer } from '../dist/esm/cache/diskLayer.js';
import { combineRounds, summarize } from './stats.mjs';

const directory = process.env.BENCH_DISK_DIR;
const reads = Number(process.env.BENCH_DISK_READS ?? 5000);
const warmup = Number(process.env.BENCH_DISK_WARMUP ?? 500);
const rounds = Number(process.env.BENCH_DISK_ROUNDS ?? 3);
const partReads = Number(process.env.BENCH_DISK_PART_READS ?? 2000);
const KEY = 'bench-tenant|bench-client|https://storage.azure.com/.default';
// About the size of an Entra ID access token (a JWT of 1–2 KB).
const TOKEN = `eyJ${randomBytes(1100).toString('base64url')}`;

const variants = {
  encrypted: { encryptionKey: randomBytes(32) },
  unencrypted: { unsafeAllowUnencryptedStorage: true },
};

async function measure(label) {
  const layer = new DiskLayer({
    now: () => Date.now(),
    directory,
    name: `disk-read-${label}`,
    env: {},
    ...variants[label],
  });
  const now = Date.now();
  await layer.set(KEY, { token: TOKEN, expiresOnTimestamp: now + 3_600_000, obtainedAt: now });
  const check = await layer.get(KEY);
  if (check?.token !== TOKEN) throw new Error(`${label}: the token did not read back`);
  for (let i = 0; i < warmup; i++) await layer.get(KEY);
  const latencies = new Float64Array(reads);
  globalThis.gc?.();
  const start = process.hrtime.bigint();
  for (let i = 0; i < reads; i++) {
    const t0 = process.hrtime.bigint();
    await layer.get(KEY);
    latencies[i] = Number(process.hrtime.bigint() - t0);
  }
  const wallNs = Number(process.hrtime.bigint() - start);
  const fileBytes = statSync(layer.store.path).size;
  await layer.close();
  return { reads, fileBytes, opsPerSec: reads / (wallNs / 1e9), ...summarize(latencies) };
}

/** p50/p99 (µs) of `n` sequential awaited runs of `run`, after `n / 10` warm-up runs. */
async function time(run, n = partReads) {
  for (let i = 0; i < n / 10; i++) await run();
  const latencies = new Float64Array(n);
  globalThis.gc?.();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await run();
    latencies[i] = Number(process.hrtime.bigint() - t0);
  }
  const { p50Us, p99Us } = summarize(latencies);
  return { p50Us, p99Us };
}

/** The parts of one encrypted read, each timed alone (internal modules, so best effort). */
async function parts() {
  let encryption;
  let cacheDirectory;
  try {
    encryption = await import('../dist/esm/cache/encryption.js');
    cacheDirectory = await import('../dist/esm/cache/cacheDirectory.js');
  } catch (error) {
    return { skipped: String(error?.message ?? error) };
  }
  const key = variants.encrypted.encryptionKey;
  const name = 'disk-read-parts';
  const layer = new DiskLayer({
    now: () => Date.now(),
    directory,
    name,
    env: {},
    encryptionKey: key,
  });
  const now = Date.now();
  await layer.set(KEY, { token: TOKEN, expiresOnTimestamp: now + 3_600_000, obtainedAt: now });
  const path = layer.store.path;
  const text = await readFile(path, 'utf8');
  const result = {
    reads: partReads,
    get: await time(() => layer.get(KEY)),
    readFile: await time(() => readFile(path, 'utf8')),
    decryptAndParse: await time(() => JSON.parse(encryption.decrypt(JSON.parse(text), key, name))),
    directoryChecks: await time(async () => {
      await cacheDirectory.ensurePrivateDirectory(directory);
      await cacheDirectory.ensurePrivateDirectory(join(directory, 'locks'));
    }),
  };
  await layer.close();
  return result;
}

async function main() {
  const perRound = { encrypted: [], unencrypted: [] };
  const labels = Object.keys(perRound);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? labels : [...labels].reverse();
    for (const label of order) perRound[label].push(await measure(label));
  }
  return {
    config: { reads, warmup, rounds, partReads, tokenChars: TOKEN.length },
    results: {
      ...Object.fromEntries(labels.map((l) => [l, combineRounds(perRound[l])])),
      parts: await parts(),
    },
    rounds: perRound,
  };
}

main().then(
  (body) => process.send({ type: 'results', body }, () => process.exit(0)),
  (error) => {
    process.send({ type: 'error', body: String(error?.stack ?? error) }, () => process.exit(1));
  },
);
