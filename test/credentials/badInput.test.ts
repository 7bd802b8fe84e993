/**
 * Bad input, per credential: each row fails with a typed error whose `code` callers can branch
 * on, and none of the row's secrets (client secret, certificate password, key body, assertion,
 * authorization code, user assertion, any JWT) shows up in the error, its causes, the logs, the
 * spans or the credential's events.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { SignJWT } from 'jose';
import {
  ACQUIRE_SPAN_NAME,
  AuthorizationCodeCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DeviceCodeCredential,
  EnvironmentCredential,
  InteractiveBrowserCredential,
  OnBehalfOfCredential,
  TokenManager,
  type AuthenticationError,
  type IdentityErrorCode,
  type LogLevel,
  type OnBehalfOfCredentialOptions,
  type ReactiveCredential,
  type TokenEvent,
} from '../../src/index.js';
import { EMULATOR_TEST_USER, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { makeClientCertificate } from '../support/certificates.js';
import { emulatorRequest, playBrowser, until } from '../support/userFlows.js';
import { VirtualClock } from '../support/virtualClock.js';

// Every secret of this file starts with CANARY: if the word shows up anywhere, something leaked.
const SECRET = 'CANARY-secret~Qx7.Lm2Vb8Ns3Td6Yh';
const WRONG_SECRET = 'CANARY-wrong~Zr4pQx.7wLm2Vb8Nk';
const PFX_PASSWORD = 'CANARY-pfx~Hy6.Td3Ns8Vb2Lm7Qe';
const WRONG_PASSWORD = 'CANARY-badpfx~Rt5.Gk2Wq9Xc4Jd';
const THROWN_SECRET = 'CANARY-thrown~Uv8.Pb3Mz6Wk1Sd';
const GARBAGE_USER_ASSERTION = 'CANARY-user-assertion~Pw3.Ks8Fj2';

const SECRET_APP = '5ec2e7a0-0000-4000-8000-0000000000a1';
const CERT_APP = 'ce27a0a0-0000-4000-8000-0000000000a2';
const API_APP = 'a0a0a0a3-0000-4000-8000-0000000000a3';
const PUBLIC_APP = 'b0b1c0c1-0000-4000-8000-0000000000a4';
const WEB_APP = '0eb0eb0e-0000-4000-8000-0000000000a5';
const WEB_REDIRECT = 'https://app.contoso.test/callback';
const UNKNOWN_TENANT = '00000000-0000-4000-8000-00000000dead';
const MALFORMED_TENANT = 'tenant/../../evil';
const HTTP_AUTHORITY = 'http://127.0.0.1:1';
const STORAGE = 'https://storage.azure.com/.default';
const GRAPH = 'https://graph.microsoft.com/User.Read';
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\./;

const cert = makeClientCertificate('bad-input client');
/** The base64 lines of the private key: none of them may ever be printed. */
const KEY_LINES = cert.keyPem.split('\n').filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line));

let em: Emulator;
let dir: string;
let skewMs = 0;

beforeAll(async () => {
  em = await startEmulator({
    now: () => Date.now() + skewMs,
    deviceCodeIntervalSeconds: 0,
    rejectReplayedAssertions: false,
    apps: [
      { clientId: SECRET_APP, clientSecret: SECRET },
      { clientId: CERT_APP, certificates: [cert.certPem] },
      { clientId: API_APP, clientSecret: SECRET, certificates: [cert.certPem] },
      { clientId: PUBLIC_APP, publicClient: true, redirectUris: ['http://localhost'] },
      { clientId: WEB_APP, clientSecret: SECRET, redirectUris: [WEB_REDIRECT] },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'ri-bad-input-'));
});
afterAll(async () => {
  await em?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a file in the test's temp dir and returns its path. */
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The PEM with its key body mangled: still PEM-shaped, no longer a key. */
function malformedPem(): string {
  const [first] = KEY_LINES;
  return cert.certPem + cert.keyPem.replace(first!, first!.split('').reverse().join(''));
}

/** A JWT signed with a key nobody registered, containing a canary claim. */
function forgedAssertion(): Promise<string> {
  return new SignJWT({ canary: 'CANARY' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(CERT_APP)
    .setSubject(CERT_APP)
    .setJti(randomBytes(8).toString('hex'))
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(randomBytes(32));
}

/** An authorization code for the web app, from the emulator's programmatic sign-in. */
async function authorizationCode(): Promise<string> {
  const authorizeUrl = `${em.url}/${em.tenantId}/oauth2/v2.0/authorize?${new URLSearchParams({
    client_id: WEB_APP,
    response_type: 'code',
    redirect_uri: WEB_REDIRECT,
    scope: `openid offline_access ${GRAPH}`,
    state: 'state-1',
  })}`;
  const res = await emulatorRequest(em, `${em.url}/_emulator/authorize`, {
    json: { authorizeUrl },
  });
  const location = (JSON.parse(res.text) as { location: string }).location;
  return new URL(location).searchParams.get('code')!;
}

/** A real user token issued by the emulator (audience Graph, not the API), via device code. */
async function graphUserToken(): Promise<string> {
  const tokenManager = new TokenManager();
  const credential = new DeviceCodeCredential({
    authorityHost: em.url,
    tlsOptions: { ca: em.ca },
    env: {},
    tenantId: em.tenantId,
    clientId: PUBLIC_APP,
    tokenManager,
    userPromptCallback: (info) => em.approveDeviceCode(info.userCode),
  });
  try {
    return (await credential.getToken(GRAPH)).token;
  } finally {
    await credential.close();
    await tokenManager.close();
  }
}

/** What each row's credential is built with: the emulator, telemetry and logging of the row. */
interface Kit {
  /** Options without an authority host (for EnvironmentCredential, which reads it from env). */
  base: {
    tlsOptions: { ca: string };
    env: Record<string, string>;
    tokenManager: TokenManager;
    loggingOptions: { logLevel: 'verbose'; sink: (level: LogLevel, message: string) => void };
  };
  options: Kit['base'] & { authorityHost: string };
  clock: VirtualClock | undefined;
}

/** One bad input: how to build the credential (which may throw) and what it must not reveal. */
interface Scenario {
  make(): ReactiveCredential;
  secrets?: string[];
  scope?: string;
  /** Runs while `getToken` is pending, e.g. to move virtual time. */
  drive?(): Promise<void>;
}

/** What every row must do: fail with its code, leak nothing, and leave a trace of it. */

interface Row {
  name: string;
  code: IdentityErrorCode;
  /** The authority's error, for rows the authority refused. */
  authority?: { error: string; errorCodes?: number[] };
  /** Runs the row on a virtual clock. */
  virtualTime?: boolean;
  scenario(kit: Kit): Scenario | Promise<Scenario>;
}

interface Outcome {
  error: unknown;
  /** Whether the constructor returned (the error, if any, came from `getToken`). */
  constructed: boolean;
  telemetry: { logs: string[]; spans: string[]; events: string[] };
  haystack: string;
  secrets: string[];
}

/** Everything an error shows a logger or a crash report: message, JSON, stack, causes. */
function describeError(error: unknown, depth = 0): string[] {
  if (depth > 10 || typeof error !== 'object' || error === null) return [String(error)];
  const e = error as Error & { errors?: unknown[] };
  const parts = [String(e.message), JSON.stringify(e), String(e.stack)];
  if (e.cause !== undefined) parts.push(...describeError(e.cause, depth + 1));
  for (const inner of e.errors ?? []) parts.push(...describeError(inner, depth + 1));
  return parts;
}

/** Runs one row on its own engine, tracer and log, and gathers everything it printed. */
async function observe(row: Row): Promise<Outcome> {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const clock = row.virtualTime ? new VirtualClock(Date.now()) : undefined;
  const tokenManager = new TokenManager({
    tracerProvider,
    scheduler: clock,
    retryInitialDelayMs: 1,
    retryMaxDelayMs: 4,
  });
  const logs: string[] = [];
  const events: TokenEvent[] = [];
  const base: Kit['base'] = {
    tlsOptions: { ca: em.ca },
    env: {},
    tokenManager,
    loggingOptions: { logLevel: 'verbose', sink: (level, line) => logs.push(`${level} ${line}`) },
  };
  const scenario = await row.scenario({
    base,
    options: { ...base, authorityHost: em.url },
    clock,
  });
  let credential: ReactiveCredential | undefined;
  let error: unknown;
  try {
    credential = scenario.make();
    const subscription = credential.events$.subscribe((event) => events.push(event));
    // Handled at once: the attempt may fail while `drive` still runs.
    const attempt = credential.getToken(scenario.scope ?? STORAGE).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    await scenario.drive?.();
    error = await attempt;
    subscription.unsubscribe();
  } catch (thrown) {
    error = thrown;
  } finally {
    skewMs = 0;
    await credential?.close();
    await tokenManager.close();
  }
  // Read before shutdown: shutting the provider down empties the exporter.
  const spans = exporter.getFinishedSpans().map((span) =>
    JSON.stringify({
      name: span.name,
      attributes: span.attributes,
      events: span.events,
      status: span.status,
    }),
  );
  await tracerProvider.shutdown();
  const telemetry = { logs, spans, events: events.map((event) => JSON.stringify(event)) };
  return {
    error,
    constructed: credential !== undefined,
    telemetry,
    haystack: [...describeError(error), ...logs, ...spans, ...telemetry.events].join('\n'),
    secrets: [...(scenario.secrets ?? []), ...KEY_LINES],
  };
}

const outcomes = new Map<Row, Promise<Outcome>>();
/** Each row runs once; its `it`s share the outcome. */
function outcomeOf(row: Row): Promise<Outcome> {
  let outcome = outcomes.get(row);
  if (outcome === undefined) {
    outcome = observe(row);
    outcomes.set(row, outcome);
  }
  return outcome;
}

const unknownTenant = { error: 'invalid_request', errorCodes: [90002] };

// --- the tables ---------------------------------------------------------------------------------

const secretCredential = (
  k: Kit,
  tenant = em.tenantId,
  secret = SECRET,
  options: object = k.options,
): ClientSecretCredential => new ClientSecretCredential(tenant, SECRET_APP, secret, options);

const clientSecretRows: Row[] = [
  {
    name: 'an empty tenantId',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({ make: () => secretCredential(k, ''), secrets: [SECRET] }),
  },
  {
    name: 'an empty clientId',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({
      make: () => new ClientSecretCredential(em.tenantId, '', SECRET, k.options),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a missing clientSecret',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({
      make: () =>
        new ClientSecretCredential(
          em.tenantId,
          SECRET_APP,
          undefined as unknown as string,
          k.options,
        ),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a malformed tenant id',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({ make: () => secretCredential(k, MALFORMED_TENANT), secrets: [SECRET] }),
  },
  {
    name: 'a non-https authority host',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () =>
        secretCredential(k, em.tenantId, SECRET, { ...k.options, authorityHost: HTTP_AUTHORITY }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a tenant the authority does not know',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: unknownTenant,
    scenario: (k) => ({ make: () => secretCredential(k, UNKNOWN_TENANT), secrets: [SECRET] }),
  },
  {
    name: 'a wrong client secret',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: { error: 'invalid_client', errorCodes: [7000215] },
    scenario: (k) => ({
      make: () => secretCredential(k, em.tenantId, WRONG_SECRET),
      secrets: [SECRET, WRONG_SECRET],
    }),
  },
];

const certificateCredential = (
  k: Kit,
  certificate: ConstructorParameters<typeof ClientCertificateCredential>[2],
  tenant = em.tenantId,
  options: object = k.options,
): ClientCertificateCredential =>
  new ClientCertificateCredential(tenant, CERT_APP, certificate, options);

const clientCertificateRows: Row[] = [
  {
    name: 'a missing certificate',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({
      make: () => certificateCredential(k, undefined as unknown as string),
    }),
  },
  {
    name: 'both certificate and certificatePath',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () =>
        certificateCredential(k, {
          certificate: cert.combinedPem,
          certificatePath: file('both.pem', cert.combinedPem),
        } as unknown as { certificate: string }),
    }),
  },
  {
    name: 'a malformed tenant id',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () => certificateCredential(k, { certificate: cert.combinedPem }, MALFORMED_TENANT),
    }),
  },
  {
    name: 'a non-https authority host',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () =>
        certificateCredential(k, { certificate: cert.combinedPem }, em.tenantId, {
          ...k.options,
          authorityHost: HTTP_AUTHORITY,
        }),
    }),
  },
  {
    name: 'a tenant the authority does not know',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: unknownTenant,
    scenario: (k) => ({
      make: () => certificateCredential(k, { certificate: cert.combinedPem }, UNKNOWN_TENANT),
    }),
  },
  {
    name: 'a malformed PEM',
    code: 'ERR_INVALID_CERTIFICATE',
    scenario: (k) => ({ make: () => certificateCredential(k, { certificate: malformedPem() }) }),
  },
  {
    name: 'a malformed PEM file',
    code: 'ERR_INVALID_CERTIFICATE',
    scenario: (k) => ({ make: () => certificateCredential(k, file('bad.pem', malformedPem())) }),
  },
  {
    name: 'a wrong PKCS#12 password',
    code: 'ERR_INVALID_CERTIFICATE',
    scenario: (k) => ({
      make: () =>
        certificateCredential(k, {
          certificatePath: file('cert.pfx', cert.pfx(PFX_PASSWORD)),
          certificatePassword: WRONG_PASSWORD,
        }),
      secrets: [PFX_PASSWORD, WRONG_PASSWORD],
    }),
  },
  {
    name: 'a wrong password for an encrypted PEM key',
    code: 'ERR_INVALID_CERTIFICATE',
    scenario: (k) => ({
      make: () =>
        certificateCredential(k, {
          certificate: cert.encryptedPem(PFX_PASSWORD),
          certificatePassword: WRONG_PASSWORD,
        }),
      secrets: [PFX_PASSWORD, WRONG_PASSWORD],
    }),
  },
  {
    name: 'a certificate whose key is missing',
    code: 'ERR_INVALID_CERTIFICATE',
    scenario: (k) => ({ make: () => certificateCredential(k, { certificate: cert.certPem }) }),
  },
  {
    name: 'a certificate file that does not exist',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({ make: () => certificateCredential(k, join(dir, 'missing.pem')) }),
  },
];

const assertionCredential = (
  k: Kit,
  getAssertion: () => Promise<string>,
  tenant = em.tenantId,
  options: object = k.options,
): ClientAssertionCredential =>
  new ClientAssertionCredential(tenant, CERT_APP, getAssertion, options);

const clientAssertionRows: Row[] = [
  {
    name: 'an empty tenantId',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({ make: () => assertionCredential(k, forgedAssertion, '') }),
  },
  {
    name: 'an empty clientId',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({
      make: () => new ClientAssertionCredential(em.tenantId, '', forgedAssertion, k.options),
    }),
  },
  {
    name: 'a missing getAssertion',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({
      make: () => assertionCredential(k, undefined as unknown as () => Promise<string>),
    }),
  },
  {
    name: 'a malformed tenant id',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({ make: () => assertionCredential(k, forgedAssertion, MALFORMED_TENANT) }),
  },
  {
    name: 'a non-https authority host',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () =>
        assertionCredential(k, forgedAssertion, em.tenantId, {
          ...k.options,
          authorityHost: HTTP_AUTHORITY,
        }),
    }),
  },
  {
    name: 'a tenant the authority does not know',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: unknownTenant,
    scenario: async (k) => {
      const assertion = await forgedAssertion();
      return {
        make: () => assertionCredential(k, async () => assertion, UNKNOWN_TENANT),
        secrets: [assertion],
      };
    },
  },
  {
    name: 'an assertion callback that throws an Error quoting the assertion',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: async (k) => {
      const assertion = await forgedAssertion();
      return {
        make: () =>
          assertionCredential(k, async () => {
            throw new Error(`the token file held ${assertion}, which the issuer revoked`);
          }),
        secrets: [assertion],
      };
    },
  },
  {
    name: 'an assertion callback that throws a secret-bearing form',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({
      make: () =>
        assertionCredential(k, async () => {
          throw new Error(`POST failed: client_assertion=${THROWN_SECRET}&password=${SECRET}`);
        }),
      secrets: [THROWN_SECRET, SECRET],
    }),
  },
  {
    name: 'an assertion callback that throws a string',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({
      make: () =>
        assertionCredential(k, () => {
          // A callback may throw anything; what it throws may be the assertion itself.
          return Promise.reject(THROWN_SECRET);
        }),
      secrets: [THROWN_SECRET],
    }),
  },
  {
    name: 'an assertion callback that throws an Error quoting a plain secret',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({
      make: () =>
        assertionCredential(k, async () => {
          // What JSON.parse says of a token file it cannot read: a slice of the file.
          throw new Error(`Unexpected token 'C', "${THROWN_SECRET}" is not valid JSON`);
        }),
      secrets: [THROWN_SECRET],
    }),
  },
  {
    name: "an assertion callback that returns ''",
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({ make: () => assertionCredential(k, async () => '') }),
  },
  {
    name: 'an assertion the authority refuses',
    code: 'ERR_AUTHENTICATION_FAILED',
    scenario: async (k) => {
      const assertion = await forgedAssertion();
      return { make: () => assertionCredential(k, async () => assertion), secrets: [assertion] };
    },
  },
];

/** The environment of a secret configuration, with `overrides` applied (`undefined` removes). */
function environment(overrides: Record<string, string | undefined>): Record<string, string> {
  const all: Record<string, string | undefined> = {
    AZURE_TENANT_ID: em.tenantId,
    AZURE_CLIENT_ID: SECRET_APP,
    AZURE_CLIENT_SECRET: SECRET,
    AZURE_AUTHORITY_HOST: em.url,
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

const environmentCredential = (k: Kit, overrides: Record<string, string | undefined>) =>
  new EnvironmentCredential({ ...k.base, env: environment(overrides) });

/** A certificate configuration of the certificate app. */
const certificateEnvironment = (path: string, password?: string) => ({
  AZURE_CLIENT_ID: CERT_APP,
  AZURE_CLIENT_SECRET: undefined,
  AZURE_CLIENT_CERTIFICATE_PATH: path,
  AZURE_CLIENT_CERTIFICATE_PASSWORD: password,
});

const environmentRows: Row[] = [
  {
    name: 'no variables',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({ make: () => new EnvironmentCredential(k.base) }),
  },
  {
    name: 'no AZURE_CLIENT_SECRET nor certificate path',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({ make: () => environmentCredential(k, { AZURE_CLIENT_SECRET: undefined }) }),
  },
  {
    name: 'no AZURE_TENANT_ID',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({
      make: () => environmentCredential(k, { AZURE_TENANT_ID: undefined }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a malformed AZURE_TENANT_ID',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () => environmentCredential(k, { AZURE_TENANT_ID: MALFORMED_TENANT }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a non-https AZURE_AUTHORITY_HOST',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () => environmentCredential(k, { AZURE_AUTHORITY_HOST: HTTP_AUTHORITY }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a tenant the authority does not know',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: unknownTenant,
    scenario: (k) => ({
      make: () => environmentCredential(k, { AZURE_TENANT_ID: UNKNOWN_TENANT }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a wrong AZURE_CLIENT_SECRET',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: { error: 'invalid_client', errorCodes: [7000215] },
    scenario: (k) => ({
      make: () => environmentCredential(k, { AZURE_CLIENT_SECRET: WRONG_SECRET }),
      secrets: [SECRET, WRONG_SECRET],
    }),
  },
  {
    name: 'a malformed PEM at AZURE_CLIENT_CERTIFICATE_PATH',
    code: 'ERR_INVALID_CERTIFICATE',
    scenario: (k) => ({
      make: () =>
        environmentCredential(k, certificateEnvironment(file('env-bad.pem', malformedPem()))),
    }),
  },
  {
    name: 'a wrong AZURE_CLIENT_CERTIFICATE_PASSWORD',
    code: 'ERR_INVALID_CERTIFICATE',
    scenario: (k) => ({
      make: () =>
        environmentCredential(
          k,
          certificateEnvironment(file('env.pfx', cert.pfx(PFX_PASSWORD)), WRONG_PASSWORD),
        ),
      secrets: [PFX_PASSWORD, WRONG_PASSWORD],
    }),
  },
];

const onBehalfOf = (
  k: Kit,
  options: Partial<OnBehalfOfCredentialOptions> & Record<string, unknown>,
): OnBehalfOfCredential =>
  new OnBehalfOfCredential({
    ...k.options,
    tenantId: em.tenantId,
    clientId: API_APP,
    userAssertionToken: GARBAGE_USER_ASSERTION,
    ...options,
  } as OnBehalfOfCredentialOptions);

const onBehalfOfRows: Row[] = [
  {
    name: 'an empty tenantId',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({
      make: () => onBehalfOf(k, { tenantId: '', clientSecret: SECRET }),
      secrets: [SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'an empty clientId',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({
      make: () => onBehalfOf(k, { clientId: '', clientSecret: SECRET }),
      secrets: [SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a missing userAssertionToken',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({
      make: () => onBehalfOf(k, { userAssertionToken: undefined, clientSecret: SECRET }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'no options at all',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: () => ({
      make: () => new OnBehalfOfCredential(undefined as unknown as OnBehalfOfCredentialOptions),
    }),
  },
  {
    name: 'no way to prove the client',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({ make: () => onBehalfOf(k, {}), secrets: [GARBAGE_USER_ASSERTION] }),
  },
  {
    name: 'both a secret and a certificate',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () =>
        onBehalfOf(k, { clientSecret: SECRET, certificatePath: file('obo.pem', cert.combinedPem) }),
      secrets: [SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a malformed tenant id',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () => onBehalfOf(k, { tenantId: MALFORMED_TENANT, clientSecret: SECRET }),
      secrets: [SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a non-https authority host',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () => onBehalfOf(k, { authorityHost: HTTP_AUTHORITY, clientSecret: SECRET }),
      secrets: [SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a tenant the authority does not know',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: unknownTenant,
    scenario: (k) => ({
      make: () => onBehalfOf(k, { tenantId: UNKNOWN_TENANT, clientSecret: SECRET }),
      secrets: [SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a garbage user assertion',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: { error: 'invalid_grant', errorCodes: [50013] },
    scenario: (k) => ({
      make: () => onBehalfOf(k, { clientSecret: SECRET }),
      secrets: [SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a user token issued to another audience',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: { error: 'invalid_grant', errorCodes: [50013] },
    scenario: async (k) => {
      const userToken = await graphUserToken();
      return {
        make: () => onBehalfOf(k, { clientSecret: SECRET, userAssertionToken: userToken }),
        secrets: [SECRET, userToken],
      };
    },
  },
  {
    name: 'a wrong client secret',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: { error: 'invalid_client', errorCodes: [7000215] },
    scenario: (k) => ({
      make: () => onBehalfOf(k, { clientSecret: WRONG_SECRET }),
      secrets: [SECRET, WRONG_SECRET, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a malformed PEM file',
    code: 'ERR_INVALID_CERTIFICATE',
    scenario: (k) => ({
      make: () => onBehalfOf(k, { certificatePath: file('obo-bad.pem', malformedPem()) }),
      secrets: [GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'a wrong PKCS#12 password',
    code: 'ERR_INVALID_CERTIFICATE',
    scenario: (k) => ({
      make: () =>
        onBehalfOf(k, {
          certificatePath: file('obo.pfx', cert.pfx(PFX_PASSWORD)),
          certificatePassword: WRONG_PASSWORD,
        }),
      secrets: [PFX_PASSWORD, WRONG_PASSWORD, GARBAGE_USER_ASSERTION],
    }),
  },
  {
    name: 'an assertion callback that throws',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: async (k) => {
      const assertion = await forgedAssertion();
      return {
        make: () =>
          onBehalfOf(k, {
            getAssertion: async () => {
              throw new Error(`cannot use ${assertion}`);
            },
          }),
        secrets: [assertion, GARBAGE_USER_ASSERTION],
      };
    },
  },
];

const authCode = (
  k: Kit,
  args: { tenant?: string; clientId?: string; secret?: string; code?: string; redirect?: string },
  options: object = k.options,
): AuthorizationCodeCredential =>
  new AuthorizationCodeCredential(
    args.tenant ?? em.tenantId,
    args.clientId ?? WEB_APP,
    args.secret ?? SECRET,
    args.code ?? 'CANARY-code~Fake.Qw3Er5',
    args.redirect ?? WEB_REDIRECT,
    options,
  );

const authorizationCodeRows: Row[] = [
  {
    name: 'an empty clientSecret',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: async (k) => {
      const code = await authorizationCode();
      return { make: () => authCode(k, { code, secret: '' }), secrets: [code], scope: GRAPH };
    },
  },
  ...(['tenant', 'clientId', 'code', 'redirect'] as const).map((field): Row => ({
    name: `an empty ${field === 'code' ? 'authorizationCode' : field === 'redirect' ? 'redirectUri' : field}`,
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({
      make: () => authCode(k, { [field]: '' }),
      secrets: [SECRET, 'CANARY-code~Fake.Qw3Er5'],
    }),
  })),
  {
    name: 'a malformed tenant id',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () => authCode(k, { tenant: MALFORMED_TENANT }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a non-https authority host',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () => authCode(k, {}, { ...k.options, authorityHost: HTTP_AUTHORITY }),
      secrets: [SECRET],
    }),
  },
  {
    name: 'a tenant the authority does not know',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: unknownTenant,
    scenario: async (k) => {
      const code = await authorizationCode();
      return {
        make: () => authCode(k, { tenant: UNKNOWN_TENANT, code }),
        secrets: [SECRET, code],
        scope: GRAPH,
      };
    },
  },
  {
    name: 'an expired authorization code',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: { error: 'invalid_grant', errorCodes: [70008] },
    scenario: async (k) => {
      const code = await authorizationCode();
      skewMs = 3_600_000;
      return { make: () => authCode(k, { code }), secrets: [SECRET, code], scope: GRAPH };
    },
  },
  {
    name: 'a wrong client secret',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: { error: 'invalid_client', errorCodes: [7000215] },
    scenario: async (k) => {
      const code = await authorizationCode();
      return {
        make: () => authCode(k, { code, secret: WRONG_SECRET }),
        secrets: [SECRET, WRONG_SECRET, code],
        scope: GRAPH,
      };
    },
  },
];

/** A device code credential of the public app whose prompt does `onPrompt`. */
const deviceCode = (
  k: Kit,
  onPrompt: (userCode: string) => void,
  options: { tenantId?: string; authorityHost?: string } = {},
): DeviceCodeCredential =>
  new DeviceCodeCredential({
    ...k.options,
    tenantId: em.tenantId,
    clientId: PUBLIC_APP,
    userPromptCallback: (info) => onPrompt(info.userCode),
    ...options,
  });

const deviceCodeRows: Row[] = [
  {
    name: 'an empty clientId',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    scenario: (k) => ({
      make: () =>
        new DeviceCodeCredential({
          ...k.options,
          tenantId: em.tenantId,
          clientId: '',
          userPromptCallback: () => {},
        }),
      scope: GRAPH,
    }),
  },
  {
    name: 'a malformed tenant id',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({ make: () => deviceCode(k, () => {}, { tenantId: MALFORMED_TENANT }) }),
  },
  {
    name: 'a non-https authority host',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({ make: () => deviceCode(k, () => {}, { authorityHost: HTTP_AUTHORITY }) }),
  },
  {
    name: 'a tenant the authority does not know',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: unknownTenant,
    scenario: (k) => ({
      make: () => deviceCode(k, () => {}, { tenantId: UNKNOWN_TENANT }),
      scope: GRAPH,
    }),
  },
  {
    name: 'a denied device code',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: { error: 'authorization_declined' },
    scenario: (k) => ({
      make: () => deviceCode(k, (userCode) => em.denyDeviceCode(userCode)),
      scope: GRAPH,
    }),
  },
  {
    name: 'an expired device code',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: { error: 'expired_token' },
    scenario: (k) => ({
      make: () =>
        deviceCode(k, () => {
          skewMs = 3_600_000;
        }),
      scope: GRAPH,
    }),
  },
];

const browserCredential = (
  k: Kit,
  browser: (url: string) => Promise<void>,
  options: object = {},
): InteractiveBrowserCredential =>
  new InteractiveBrowserCredential({
    ...k.options,
    tenantId: em.tenantId,
    clientId: PUBLIC_APP,
    loginHint: EMULATOR_TEST_USER.username,
    browser,
    ...options,
  });

const interactiveBrowserRows: Row[] = [
  {
    name: 'a malformed tenant id',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () => browserCredential(k, async () => {}, { tenantId: MALFORMED_TENANT }),
    }),
  },
  {
    name: 'a non-https authority host',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () => browserCredential(k, async () => {}, { authorityHost: HTTP_AUTHORITY }),
    }),
  },
  {
    // The authority shows its error on the sign-in page; the credential gives up at its timeout.
    name: 'a tenant the authority does not know (AADSTS90002 on the page, then the timeout)',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: { error: 'access_denied' },
    virtualTime: true,
    scenario: (k) => {
      const pages: { status: number; text: string }[] = [];
      return {
        make: () =>
          browserCredential(
            k,
            async (url) => {
              pages.push(await emulatorRequest(em, url));
            },
            { tenantId: UNKNOWN_TENANT, timeoutMs: 60_000 },
          ),
        scope: GRAPH,
        drive: async () => {
          await until(() => pages.length === 1, 'the sign-in page');
          expect(pages[0]).toMatchObject({
            status: 400,
            text: expect.stringContaining('AADSTS90002'),
          });
          await k.clock!.advance(60_000);
        },
      };
    },
  },
  {
    name: 'a redirectUri that is not a URL',
    code: 'ERR_INVALID_ARGUMENT',
    scenario: (k) => ({
      make: () => browserCredential(k, async () => {}, { redirectUri: 'not a url' }),
      scope: GRAPH,
    }),
  },
  {
    name: 'a user who cancels the sign-in',
    code: 'ERR_AUTHENTICATION_FAILED',
    authority: { error: 'access_denied' },
    scenario: (k) => ({
      make: () =>
        browserCredential(k, (url) =>
          playBrowser(em, url, { ...EMULATOR_TEST_USER, action: 'cancel' }),
        ),
      scope: GRAPH,
      secrets: [EMULATOR_TEST_USER.password],
    }),
  },
];

const table: Record<string, Row[]> = {
  ClientSecretCredential: clientSecretRows,
  ClientCertificateCredential: clientCertificateRows,
  ClientAssertionCredential: clientAssertionRows,
  EnvironmentCredential: environmentRows,
  OnBehalfOfCredential: onBehalfOfRows,
  AuthorizationCodeCredential: authorizationCodeRows,
  DeviceCodeCredential: deviceCodeRows,
  InteractiveBrowserCredential: interactiveBrowserRows,
};

async function failsWithItsCode(row: Row): Promise<void> {
  const { error } = await outcomeOf(row);
  expect(error).toMatchObject({ code: row.code });
  if (row.authority !== undefined) {
    const { errorResponse } = error as AuthenticationError;
    expect(errorResponse.error).toBe(row.authority.error);
    if (row.authority.errorCodes !== undefined)
      expect(errorResponse.errorCodes).toEqual(row.authority.errorCodes);
  }
}

async function revealsNoSecret(row: Row): Promise<void> {
  const { haystack, secrets } = await outcomeOf(row);
  expect(secrets.filter((secret) => haystack.includes(secret))).toEqual([]);
  expect(haystack).not.toContain('CANARY');
  expect(haystack).not.toMatch(JWT);
}

// The leak check is only as good as what it searched: a credential that was built must have
// logged, traced and published its failed acquisition.
async function recordsTheFailure(row: Row): Promise<void> {
  const { constructed, telemetry } = await outcomeOf(row);
  if (row.authority !== undefined) expect(constructed).toBe(true);
  if (!constructed) return;
  expect(telemetry.logs.some((line) => line.includes('getToken() => ERROR'))).toBe(true);
  expect(telemetry.spans.some((span) => span.includes(ACQUIRE_SPAN_NAME))).toBe(true);
  expect(telemetry.events.some((event) => event.includes('"acquisition-failed"'))).toBe(true);
}

const rules: [string, (row: Row) => Promise<void>][] = [
  ['fails $name with $code', failsWithItsCode],
  ['reveals no secret of $name in the error, logs, spans or events', revealsNoSecret],
  ['records $name in a log line, a span and an event once built', recordsTheFailure],
];

for (const [credential, rows] of Object.entries(table)) {
  describe(`${credential} with bad input`, () => {
    for (const [title, check] of rules) {
      it.each(rows)(title, check);
    }
  });
}
