// Preloaded (`node --import`) into the sidecar process of workload 9: records every outbound
// socket that does not end on loopback and writes the list to BENCH_EGRESS_FILE at exit.
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { watchEgress } from './egress.mjs';

const egress = watchEgress();
process.on('exit', () => {
  if (process.env.BENCH_EGRESS_FILE)
    writeFileSync(process.env.BENCH_EGRESS_FILE, JSON.stringify(egress));
});
