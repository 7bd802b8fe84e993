// Workload 4: DefaultAzureCredential on the Azure CLI path. One round of one library per process,
// started by run.mjs with BENCH_DAC_LIBRARY (ours | anchor) and a sanitized environment (no
// AZURE_*, MSI_*, IDENTITY_* or IMDS_* variables, so no environment or workload identity link can
// answer). This process:
//   - writes a fake `az` (a Node script with an absolute shebang) into a temporary folder and puts
//     that folder first on PATH; each run appends one line to az.calls.jsonl there;
//   - starts a TCP server on 127.0.0.1 that accepts and at once destroys every connection, and
//     points AZURE_POD_IDENTITY_AUTHORITY_HOST at it, so managed identity never leaves loopback
//     (IMDS at 169.254.169.254 is never asked) and every attempt is counted;
//   - constructs DefaultAzureCredential (the anchor reads process.env; ours gets the same
//     variables as its `env` option and a fresh TokenManager), then times getToken for
//     management, management again, and vault, counting az runs and managed identity connections
//     for each call.
// A call that takes longer than BENCH_DAC_BOUND_MS (60 s) is reported as timed out and ends the round.
import {
  accessSync,
  chmodSync,
  constants,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import process from 'node:process';
import { DefaultAzureCredential as AzureDefaultAzureCredential } from '@azure/identity';
import { DefaultAzureCredential, TokenManager } from '../dist/esm/index.js';
import { watchEgress } from './egress.mjs';

const egress = watchEgress();
const library = process.env.BENCH_DAC_LIBRARY;
const boundMs = Number(process.env.BENCH_DAC_BOUND_MS ?? 60_000);
const CALLS = [
  { name: 'first', scope: 'https://management.azure.com/.default' },
  { name: 'second', scope: 'https://management.azure.com/.default' },
  { name: 'otherScope', scope: 'https://vault.azure.net/.default' },
];

// ---- The fake az. ----
// Prints what `az account get-access-token --output json` prints, with an opaque random token
// that expires in one hour, and logs its arguments and the token it handed out.
const FAKE_AZ_BODY = String.raw`
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const argv = process.argv.slice(2);
const token = 'fake-az-' + crypto.randomBytes(24).toString('base64url');
const at = performance.timeOrigin + performance.now();
fs.appendFileSync(path.join(__dirname, 'az.calls.jsonl'), JSON.stringify({ argv, token, at }) + '\n');
const exp = Math.floor(Date.now() / 1000) + 3600;
const pad = (n) => String(n).padStart(2, '0');
const d = new Date(exp * 1000);
const local = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
  pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.000000';
const out = {
  accessToken: token,
  expiresOn: local,
  expires_on: exp,
  subscription: '00000000-0000-4000-8000-00000000be4c',
  tenant: '00000000-0000-4000-8000-0000000a11ce',
  tokenType: 'Bearer',
};
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
`;

function writeFakeAz() {
  const dir = mkdtempSync(join(tmpdir(), 'reactive-identity-bench-az-'));
  // The script has no extension: make Node read it as CommonJS wherever tmp is.
  writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}\n');
  const file = join(dir, 'az');
  writeFileSync(file, `#!${process.execPath}\n${FAKE_AZ_BODY}`);
  chmodSync(file, 0o755);
  return dir;
}

function azCalls(dir) {
  try {
    return readFileSync(join(dir, 'az.calls.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  } catch {
    return [];
  }
}

/** Every executable named `name` on PATH (absolute folders only). */
function onPath(name, path) {
  const found = [];
  for (const folder of path.split(delimiter)) {
    if (!isAbsolute(folder)) continue;
    try {
      accessSync(join(folder, name), constants.X_OK);
      found.push(join(folder, name));
    } catch {
      // not there
    }
  }
  return found;
}

/** Wall-clock time in ms with a fraction, comparable across processes (the fake az logs it too). */
const epochMs = () => performance.timeOrigin + performance.now();

// ---- The managed identity endpoint: accepts, counts and destroys every connection. ----
async function startBlackHole() {
  const counter = { accepted: 0, at: [] };
  const server = net.createServer((socket) => {
    counter.accepted += 1;
    counter.at.push(epochMs());
    socket.destroy();
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, counter };
}

function create(env) {
  if (library === 'ours') {
    const manager = new TokenManager();
    const credential = new DefaultAzureCredential({ env, tokenManager: manager });
    return {
      credential,
      selected: () => credential.selectedCredential,
      close: async () => {
        await credential.close();
        await manager.close();
      },
    };
  }
  if (library === 'anchor') {
    // Default options: the anchor reads process.env, set above.
    const credential = new AzureDefaultAzureCredential();
    return { credential, selected: () => undefined, close: async () => {} };
  }
  throw new Error(`BENCH_DAC_LIBRARY must be ours or anchor, not ${library}`);
}

async function timed(credential, scope) {
  let timer;
  const bound = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), boundMs);
  });
  const startedAt = epochMs();
  const t0 = process.hrtime.bigint();
  const outcome = await Promise.race([
    credential.getToken(scope).then(
      (token) => ({ token }),
      (error) => ({ error }),
    ),
    bound,
  ]);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  clearTimeout(timer);
  return { ms, startedAt, ...outcome };
}

async function main() {
  const azDir = writeFakeAz();
  const { server, counter } = await startBlackHole();
  const miHost = `http://127.0.0.1:${server.address().port}`;
  process.env.PATH = [azDir, process.env.PATH ?? ''].filter(Boolean).join(delimiter);
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = miHost;
  const env = { ...process.env };
  const stray = Object.keys(env).filter(
    (name) =>
      /^(AZURE_|MSI_|IDENTITY_|IMDS_)/.test(name) && name !== 'AZURE_POD_IDENTITY_AUTHORITY_HOST',
  );
  if (stray.length > 0) throw new Error(`unexpected variables in the environment: ${stray}`);
  const otherTools = ['pwsh', 'powershell', 'azd'].flatMap((name) => onPath(name, env.PATH));
  const result = {
    library,
    managedIdentityHost: miHost,
    otherToolsOnPath: otherTools,
    calls: {},
  };
  try {
    globalThis.gc?.();
    const c0 = process.hrtime.bigint();
    const instance = create(env);
    result.constructMs = Number(process.hrtime.bigint() - c0) / 1e6;
    let firstToken;
    for (const call of CALLS) {
      const azBefore = azCalls(azDir).length;
      const miBefore = counter.accepted;
      const outcome = await timed(instance.credential, call.scope);
      const printed = azCalls(azDir);
      const since = (at) => Math.round((at - outcome.startedAt) * 10) / 10;
      const record = {
        scope: call.scope,
        ms: outcome.timedOut ? null : outcome.ms,
        timedOut: Boolean(outcome.timedOut),
        azSpawns: printed.length - azBefore,
        miConnections: counter.accepted - miBefore,
        // When, from the start of the call, each managed identity connection came and the fake az
        // script began to run (after Node had started it: spawn and Node startup come before).
        miConnectedAtMs: counter.at.slice(miBefore).map(since),
        azScriptStartedAtMs: printed.slice(azBefore).map((p) => since(p.at)),
      };
      if (outcome.error) record.error = String(outcome.error?.message ?? outcome.error);
      if (outcome.token) {
        const token = outcome.token.token;
        record.tokenFromFakeAz = printed.some((p) => p.token === token);
        if (call.name === 'first') firstToken = token;
        if (call.name === 'second') record.sameTokenAsFirst = token === firstToken;
      }
      result.calls[call.name] = record;
      if (outcome.timedOut || outcome.error) break;
    }
    result.selectedCredential = instance.selected();
    result.azArgs = azCalls(azDir).map((c) => c.argv.join(' '));
    if (!Object.values(result.calls).some((c) => c.timedOut)) await instance.close();
  } finally {
    server.close();
    rmSync(azDir, { recursive: true, force: true });
  }
  result.egress = egress;
  return result;
}

main().then(
  (body) => process.send({ type: 'results', body }, () => process.exit(0)),
  (error) => {
    process.send({ type: 'error', body: String(error?.stack ?? error) }, () => process.exit(1));
  },
);
