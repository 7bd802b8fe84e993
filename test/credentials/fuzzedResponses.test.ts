/**
 * Fuzzed answers of token endpoints and managed identity endpoints: whatever comes back (bad JSON,
 * mistyped fields, odd statuses and Retry-After values, oversized, trickled, stalled, truncated or
 * reset answers), the library gives a well-formed token or a typed error of the right kind, within
 * a deadline, and never repeats a secret (the client secret, the assertion, the identity header,
 * or a token the body held).
 *
 * Most cases are cheap: 5 000 through the parsers alone, 4 800 through the two HTTP clients
 * against one keep-alive loopback server per protocol, 100 at a time. 550 go through whole
 * credentials (MSAL included), each on its own engine whose retry waits run on a virtual clock:
 * 10 350 in all.
 */
import fc from 'fast-check';
import {
  ClientAssertionCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  TokenManager,
  type ReactiveCredential,
} from '../../src/index.js';
import { carriedError, MsalNetworkClient } from '../../src/credentials/msal/networkClient.js';
import { readTokenEndpointAnswer } from '../../src/credentials/msal/oauthResponse.js';
import { headerSecrets, miRequest } from '../../src/credentials/managedIdentity/miHttp.js';
import { parseMiResponse } from '../../src/credentials/managedIdentity/miResponse.js';
import {
  createCertificateAuthority,
  issueServerCertificate,
  type CertificateAuthority,
} from '../../src/emulator/index.js';
import {
  bodyBytes,
  fuzzCase,
  leakedSecrets,
  MAX_DATE_MS,
  secretsOf,
  SLOW_KINDS,
  type FuzzCase,
  type FuzzCaseOptions,
  type FuzzResponse,
  type Protocol,
  type RequestSecrets,
} from '../support/fuzzedResponses.js';
import {
  accessTokenProblem,
  bounded,
  describeCase,
  driven,
  expectAtTransport,
  expectComplete,
  problemWith,
  type Expectation,
  type Outcome,
  type TokenCheck,
} from '../support/fuzzOracle.js';
import { FuzzServer } from '../support/fuzzServer.js';
import { TokenManagers } from '../support/tokenManagers.js';
import { VirtualClock } from '../support/virtualClock.js';

/**
 * The per-request deadline of the clients: short for answers that never complete (the deadline is
 * what ends them), generous for the others, so that a loaded machine cannot turn a complete answer
 * into a timeout. Each case is bounded a little after its deadline.
 */
const SHORT_DEADLINE_MS = 300;
const LONG_DEADLINE_MS = 3_000;
const bound = (deadlineMs: number) => deadlineMs + 2_000;
/** Cases per property run at the HTTP layer, sent concurrently; and through credentials. */
const BATCH = 100;
const CREDENTIAL_BATCH = 25;
/** Retry waits longer than this (virtual time) count as a hang. */
const MAX_VIRTUAL_WAIT_MS = 5 * 60_000;
const SCOPE = 'https://vault.azure.net/.default';
/** The secrets each kind of request sends. */
const TOKEN_REQUEST = ['clientSecret', 'assertion'] as const;
const MI_REQUEST = ['identityHeader'] as const;
const CLIENT_ID = '5a1d0c3e-0000-4000-8000-00000000f022';

let ca: CertificateAuthority;
let https: FuzzServer;
let http: FuzzServer;
const networks = new Map<number, MsalNetworkClient>();
const credentials: ReactiveCredential[] = [];
const managers = new TokenManagers();

beforeAll(async () => {
  ca = await createCertificateAuthority();
  const { certPem, keyPem } = await issueServerCertificate(ca, { ipAddresses: ['127.0.0.1'] });
  https = await FuzzServer.start({ cert: certPem, key: keyPem });
  http = await FuzzServer.start();
  for (const deadline of [SHORT_DEADLINE_MS, LONG_DEADLINE_MS])
    networks.set(deadline, new MsalNetworkClient({ ca: ca.certPem, timeoutMs: deadline }));
});

afterEach(async () => {
  await Promise.all(credentials.splice(0).map((c) => c.close()));
  await managers.closeAll();
});

afterAll(async () => {
  for (const network of networks.values()) network.close();
  await Promise.all([https.stop(), http.stop()]);
});

const deadlineOf = (response: FuzzResponse) =>
  SLOW_KINDS.has(response.delivery.kind) ? SHORT_DEADLINE_MS : LONG_DEADLINE_MS;

/** Throws with every problem of a batch, so that fast-check reports the batch. */
function verify(problems: (string | undefined)[], cases: FuzzCase[]): void {
  const found = problems.flatMap((problem, i) =>
    problem === undefined ? [] : [`${problem}\n  ${describeCase(cases[i]!.response)}`],
  );
  if (found.length > 0)
    throw new Error(`${found.length} of ${cases.length} cases failed:\n${found.join('\n')}`);
}

/** A token endpoint body as it reaches MSAL: a non-empty access token, a usable lifetime. */
function tokenBodyProblem(
  value: unknown,
  expected: Expectation,
  receivedAt: number,
): string | undefined {
  const body = (value as { body?: Record<string, unknown> }).body ?? value;
  const {
    access_token: token,
    expires_in: expiresIn,
    refresh_in: refreshIn,
  } = body as Record<string, unknown>;
  if (typeof token !== 'string' || token === '') return 'a body without access_token reached MSAL';
  if (
    typeof expiresIn !== 'number' ||
    !(expiresIn > 0) ||
    receivedAt + expiresIn * 1000 > MAX_DATE_MS
  )
    return `expires_in ${String(expiresIn)} reached MSAL`;
  if (refreshIn !== undefined && !(typeof refreshIn === 'number' && refreshIn > 0))
    return `refresh_in ${String(refreshIn)} reached MSAL`;
  if (expected.kind === 'token') {
    if (token !== expected.value) return 'another access token reached MSAL';
    if (Math.abs(expiresIn - expected.lifetimeS) > 1)
      return `expires_in ${expiresIn}, not ${expected.lifetimeS}`;
  }
  return undefined;
}

/** A token as of the instant it arrived (not the end of its batch, which may be seconds later). */
const tokenProblem: TokenCheck = (value, expected, receivedAt) =>
  accessTokenProblem(value, expected, receivedAt);

/** The form MSAL posts for client credentials, with the case's secret and assertion. */
function tokenRequestBody(fuzz: FuzzCase): string {
  return new URLSearchParams({
    client_id: CLIENT_ID,
    grant_type: 'client_credentials',
    scope: SCOPE,
    client_secret: fuzz.request.clientSecret,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: fuzz.request.assertion,
  }).toString();
}

/** The text of a body as a client decodes it. */
const decoded = (response: FuzzResponse) => bodyBytes(response).toString('utf8');

/** A parser's outcome: what it returned or threw. */
function outcomeOf(run: () => unknown): Outcome {
  try {
    return { ok: true, value: run(), receivedAt: Date.now() };
  } catch (error) {
    return { ok: false, error };
  }
}

describe('the parsers alone, on complete answers', () => {
  it('readTokenEndpointAnswer gives a checked body or a typed, secret-free error', () => {
    fc.assert(
      fc.property(fuzzCase('token'), (fuzz) => {
        const { status, headers } = fuzz.response;
        const outcome = outcomeOf(() =>
          readTokenEndpointAnswer(
            { status, headers, text: decoded({ ...fuzz.response, delivery: { kind: 'whole' } }) },
            {
              where: 'https://login.example/t/oauth2/v2.0/token',
              isTokenRequest: true,
              now: Date.now(),
              secrets: [fuzz.request.clientSecret, fuzz.request.assertion],
            },
          ),
        );
        const expected = expectComplete('token')(fuzz.response);
        verify(
          [problemWith(outcome, expected, secretsOf(fuzz, TOKEN_REQUEST), tokenBodyProblem)],
          [fuzz],
        );
      }),
      { numRuns: 2_500 },
    );
  });

  it('parseMiResponse gives a token or a typed, secret-free error', () => {
    fc.assert(
      fc.property(fuzzCase('mi'), (fuzz) => {
        const { status, headers } = fuzz.response;
        const text = decoded({ ...fuzz.response, delivery: { kind: 'whole' } });
        const outcome = outcomeOf(() =>
          parseMiResponse(
            { status, headers, text },
            Date.now(),
            'ManagedIdentityCredential (AppService)',
            [fuzz.request.identityHeader],
          ),
        );
        const expected = expectComplete('mi')(fuzz.response);
        verify([problemWith(outcome, expected, secretsOf(fuzz, MI_REQUEST), tokenProblem)], [fuzz]);
      }),
      { numRuns: 2_500 },
    );
  });
});

async function throughNetworkClient(fuzz: FuzzCase): Promise<Outcome> {
  const { id, prefix } = https.register(fuzz.response);
  const deadline = deadlineOf(fuzz.response);
  try {
    const outcome = await bounded(
      networks.get(deadline)!.sendPostRequestAsync(`${https.url}${prefix}/oauth2/v2.0/token`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: tokenRequestBody(fuzz),
      }),
      bound(deadline),
      'MsalNetworkClient.sendPostRequestAsync',
    );
    // MSAL sees the carrier and the engine the typed error it carries: both must be clean.
    if (outcome.ok || 'hang' in outcome) return outcome;
    const carried = carriedError(outcome.error);
    if (carried === undefined) return outcome;
    if (leakedSecrets(outcome.error, secretsOf(fuzz, TOKEN_REQUEST)).length > 0)
      return { ok: false, hang: `the MSAL carrier repeats a secret: ${String(outcome.error)}` };
    return { ok: false, error: carried };
  } finally {
    https.unregister(id);
  }
}

async function throughMiHttp(fuzz: FuzzCase): Promise<Outcome> {
  const { id, prefix } = http.register(fuzz.response);
  const deadline = deadlineOf(fuzz.response);
  const headers = { 'X-IDENTITY-HEADER': fuzz.request.identityHeader };
  try {
    return await bounded(
      miRequest({
        method: 'GET',
        url: `${http.url}${prefix}/msi/token?api-version=2019-08-01&resource=https://vault.azure.net`,
        headers,
        timeoutMs: deadline,
      }).then((response) =>
        parseMiResponse(
          response,
          Date.now(),
          'ManagedIdentityCredential (AppService)',
          headerSecrets(headers),
        ),
      ),
      bound(deadline),
      'miRequest',
    );
  } finally {
    http.unregister(id);
  }
}

/** One way answers enter the library: how a case runs, what it sends, what must come out. */
interface Layer {
  protocol: Protocol;
  /** The request's secrets that `run` sends (and that must never come back). */
  sent: readonly (keyof RequestSecrets)[];
  run: (fuzz: FuzzCase) => Promise<Outcome>;
  expect: (response: FuzzResponse) => Expectation;
  check: TokenCheck;
}

/**
 * Runs `runs` batches of `size` concurrent cases through `layer` and checks every outcome.
 * Shrinking a batch of network cases would take longer than the suite: a failure is reported as
 * found, with every failing case of its batch.
 */
async function fuzz(layer: Layer, runs: number, size: number, options: FuzzCaseOptions = {}) {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fuzzCase(layer.protocol, options), { minLength: size, maxLength: size }),
      async (cases) => {
        const outcomes = await Promise.all(cases.map(layer.run));
        verify(
          outcomes.map((outcome, i) => {
            const { response } = cases[i]!;
            const secrets = secretsOf(cases[i]!, layer.sent);
            return problemWith(outcome, layer.expect(response), secrets, layer.check);
          }),
          cases,
        );
      },
    ),
    { numRuns: runs, endOnFailure: true },
  );
}

const NETWORK_CLIENT: Layer = {
  protocol: 'token',
  sent: TOKEN_REQUEST,
  run: throughNetworkClient,
  expect: expectAtTransport('token'),
  check: tokenBodyProblem,
};

const MI_HTTP: Layer = {
  protocol: 'mi',
  sent: MI_REQUEST,
  run: throughMiHttp,
  expect: expectAtTransport('mi'),
  check: tokenProblem,
};

describe('MsalNetworkClient against a loopback token endpoint', () => {
  it('gives complete, truncated, reset and oversized answers a checked body or a typed, secret-free error', async () => {
    await fuzz(NETWORK_CLIENT, 23, BATCH);
  });

  it('ends trickled, stalled and silent answers at the deadline with a NetworkError', async () => {
    await fuzz(NETWORK_CLIENT, 1, BATCH, { slow: true });
  });
});

describe('a token is judged as of its arrival', () => {
  // A batch is verified once its slowest case ends: on a loaded machine that can be seconds after
  // a case got a token with `expires_in` of 1 to 5 s, which was valid when it came.
  const text = '{"access_token":"At~short-lived-token","expires_in":1}';
  const response: FuzzResponse = {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: {
      text,
      verdict: 'token',
      msalVerdict: 'token',
      secrets: ['At~short-lived-token'],
      token: { value: 'At~short-lived-token', lifetimeS: 1 },
    },
    delivery: { kind: 'whole' },
  };
  const expected = MI_HTTP.expect(response);

  it('a 1 s token that arrived 3 s before its batch ended passes', () => {
    const receivedAt = Date.now() - 3_000;
    const value = parseMiResponse({ status: 200, headers: {}, text }, receivedAt, 'MI');
    const outcome: Outcome = { ok: true, value, receivedAt };
    expect(problemWith(outcome, expected, [], MI_HTTP.check)).toBeUndefined();
  });

  it('a token that had expired when it arrived still fails', () => {
    const receivedAt = Date.now() - 3_000;
    const value = { token: 'At~short-lived-token', expiresOnTimestamp: receivedAt - 1 };
    const outcome: Outcome = { ok: true, value, receivedAt };
    expect(problemWith(outcome, expected, [], MI_HTTP.check)).toMatch(/^a token expiring at/);
  });
});

describe('miRequest and parseMiResponse against a loopback managed identity endpoint', () => {
  it('give complete, truncated, reset and oversized answers a token or a typed, secret-free error', async () => {
    await fuzz(MI_HTTP, 23, BATCH);
  });

  it('end trickled, stalled and silent answers at the deadline with a NetworkError', async () => {
    await fuzz(MI_HTTP, 1, BATCH, { slow: true });
  });
});

/** A fresh engine on a virtual clock (for retry waits) that starts at the wall clock's now. */
function engine(): { clock: VirtualClock; tokenManager: TokenManager } {
  const clock = new VirtualClock(Date.now());
  const tokenManager = managers.create({ scheduler: clock });
  return { clock, tokenManager };
}

/** What a credential made for a case gets: its server path, deadline and own engine. */
interface CaseSetup {
  fuzz: FuzzCase;
  id: number;
  prefix: string;
  deadlineMs: number;
  tokenManager: TokenManager;
}

/** Runs `getToken` on a credential made for the case, driving its engine's virtual clock. */
async function throughCredential(
  fuzz: FuzzCase,
  server: FuzzServer,
  make: (setup: CaseSetup) => ReactiveCredential,
): Promise<Outcome> {
  const { id, prefix } = server.register(fuzz.response);
  const { clock, tokenManager } = engine();
  const deadlineMs = deadlineOf(fuzz.response);
  const credential = make({ fuzz, id, prefix, deadlineMs, tokenManager });
  credentials.push(credential);
  try {
    // The engine tries a first acquisition up to 4 times on transient errors.
    const limits = { realMs: 4 * bound(deadlineMs), virtualMs: MAX_VIRTUAL_WAIT_MS };
    return await driven(clock, credential.getToken(SCOPE), limits, 'getToken');
  } finally {
    server.unregister(id);
    await credential.close();
    await tokenManager.close();
  }
}

/**
 * Through a credential: what the HTTP layer gives, except that the engine refuses tokens too
 * short-lived to hand out, MSAL may refuse what our checks let through, the last error of retries
 * is no longer transient, and a managed identity request that got no answer at all (or a 403 that
 * says the network is unreachable) means no endpoint is there.
 */
function expectAtCredential(protocol: Protocol) {
  const atTransport = expectAtTransport(protocol, protocol === 'token' ? 'msal' : 'parser');
  return (response: FuzzResponse): Expectation => {
    const expected = atTransport(response);
    if (expected.kind === 'token' && expected.lifetimeS < 10) return { kind: 'token-or-error' };
    if (expected.kind !== 'error') return expected;
    if (protocol === 'mi' && response.delivery.kind === 'silent')
      return { kind: 'error', code: 'ERR_CREDENTIAL_UNAVAILABLE' };
    if (protocol === 'mi' && response.status === 403 && /unreachable/i.test(decoded(response)))
      return { kind: 'error', code: 'ERR_CREDENTIAL_UNAVAILABLE' };
    return { ...expected, transient: undefined };
  };
}

function credentialOptions({ deadlineMs, tokenManager }: CaseSetup) {
  return {
    authorityHost: https.url,
    tlsOptions: { ca: ca.certPem },
    requestTimeoutMs: deadlineMs,
    tokenManager,
    env: {},
  };
}

const CLIENT_SECRET: Layer = {
  protocol: 'token',
  sent: ['clientSecret'],
  run: (fuzz) =>
    throughCredential(
      fuzz,
      https,
      (setup) =>
        new ClientSecretCredential(
          `fuzz${setup.id}`,
          CLIENT_ID,
          fuzz.request.clientSecret,
          credentialOptions(setup),
        ),
    ),
  expect: expectAtCredential('token'),
  check: tokenProblem,
};

const CLIENT_ASSERTION: Layer = {
  ...CLIENT_SECRET,
  sent: ['assertion'],
  run: (fuzz) =>
    throughCredential(
      fuzz,
      https,
      (setup) =>
        new ClientAssertionCredential(
          `fuzz${setup.id}`,
          CLIENT_ID,
          () => Promise.resolve(fuzz.request.assertion),
          credentialOptions(setup),
        ),
    ),
};

/** ManagedIdentityCredential on App Service (identity header) or IMDS, pointed at the server. */
const managedIdentity = (source: 'appService' | 'imds'): Layer => ({
  protocol: 'mi',
  sent: source === 'appService' ? MI_REQUEST : [],
  run: (fuzz) =>
    throughCredential(
      fuzz,
      http,
      ({ prefix, deadlineMs, tokenManager }) =>
        new ManagedIdentityCredential({
          env:
            source === 'appService'
              ? {
                  IDENTITY_ENDPOINT: `${http.url}${prefix}/msi/token`,
                  IDENTITY_HEADER: fuzz.request.identityHeader,
                }
              : { AZURE_POD_IDENTITY_AUTHORITY_HOST: `${http.url}${prefix}` },
          requestTimeoutMs: deadlineMs,
          tokenManager,
        }),
    ),
  expect: expectAtCredential('mi'),
  check: tokenProblem,
});

// Whole credentials get more 2xx token bodies: MSAL's own parsing is what they add.
const FAVOUR_TOKENS = { favourTokens: true } as const;

describe('ClientSecretCredential and ClientAssertionCredential, MSAL included', () => {
  it('ClientSecretCredential gives a token or a typed, secret-free error, retries included', async () => {
    await fuzz(CLIENT_SECRET, 6, CREDENTIAL_BATCH, FAVOUR_TOKENS);
  });

  it('ClientSecretCredential ends trickled, stalled and silent answers with a NetworkError', async () => {
    await fuzz(CLIENT_SECRET, 1, CREDENTIAL_BATCH, { slow: true });
  });

  it('ClientAssertionCredential gives a token or a typed, secret-free error', async () => {
    await fuzz(CLIENT_ASSERTION, 4, CREDENTIAL_BATCH, FAVOUR_TOKENS);
  });
});

describe('ManagedIdentityCredential', () => {
  it('on App Service gives a token or a typed, secret-free error, retries included', async () => {
    await fuzz(managedIdentity('appService'), 5, CREDENTIAL_BATCH, FAVOUR_TOKENS);
  });

  it('on App Service ends trickled and stalled answers with a NetworkError, silence as unavailable', async () => {
    await fuzz(managedIdentity('appService'), 1, CREDENTIAL_BATCH, { slow: true });
  });

  it('on IMDS gives a token or a typed, secret-free error, retries included', async () => {
    await fuzz(managedIdentity('imds'), 5, CREDENTIAL_BATCH, FAVOUR_TOKENS);
  });
});
