// A client process of the sidecar benchmark (benchmarks/sidecar.mjs), forked with IPC. Config in
// BENCH_SIDECAR_CLIENT (JSON). Two modes:
//   http: the App Service managed identity protocol by hand, as any language's client speaks it:
//         GET <endpoint>?resource=...&api-version=2019-08-01 with X-IDENTITY-HEADER, on one
//         keep-alive connection; `warmup` requests, then `requests` timed ones (hrtime, from the
//         request to the last byte of the answer).
//   sdk:  @azure/identity 4.13's ManagedIdentityCredential, configured by IDENTITY_ENDPOINT and
//         IDENTITY_HEADER alone, one getToken.
// It sends {type:'ready'} once loaded, waits for {type:'go'}, runs, and sends {type:'results'}.
import { Agent, request } from 'node:http';
import process from 'node:process';
import { watchEgress } from './egress.mjs';

const egress = watchEgress();
const config = JSON.parse(process.env.BENCH_SIDECAR_CLIENT);

function get(agent, url, header) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { 'X-IDENTITY-HEADER': header } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function runHttp() {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(config.endpoint);
  url.searchParams.set('resource', config.resource);
  url.searchParams.set('api-version', '2019-08-01');
  const tokens = new Set();
  let failures = 0;
  const once = async () => {
    const answer = await get(agent, url, config.header);
    if (answer.status !== 200) failures++;
    else tokens.add(JSON.parse(answer.body.toString('utf8')).access_token);
  };
  for (let i = 0; i < config.warmup; i++) await once();
  await ready();
  const latenciesNs = new Float64Array(config.requests);
  const started = process.hrtime.bigint();
  for (let i = 0; i < config.requests; i++) {
    const t0 = process.hrtime.bigint();
    await once();
    latenciesNs[i] = Number(process.hrtime.bigint() - t0);
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  agent.destroy();
  return { latenciesNs: Array.from(latenciesNs), wallMs, failures, distinctTokens: tokens.size };
}

async function runSdk() {
  const { ManagedIdentityCredential } = await import('@azure/identity');
  const credential = new ManagedIdentityCredential();
  await ready();
  const t0 = process.hrtime.bigint();
  try {
    const token = await credential.getToken(`${config.resource}/.default`);
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, token: token.token, failures: 0 };
  } catch (error) {
    return { ms: null, error: String(error?.message ?? error), failures: 1 };
  }
}

/** Tells the parent this process is loaded, and resolves on its go. */
function ready() {
  return new Promise((resolve) => {
    process.once('message', (message) => {
      if (message.type === 'go') resolve();
    });
    process.send({ type: 'ready' });
  });
}

(config.mode === 'sdk' ? runSdk() : runHttp()).then(
  (body) => process.send({ type: 'results', body: { ...body, egress } }, () => process.exit(0)),
  (error) =>
    process.send({ type: 'error', body: String(error?.stack ?? error) }, () => process.exit(1)),
);
