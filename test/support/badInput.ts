/**
 * The harness of the bad-input tables (`test/credentials/<room>/<credential>.badInput.ts`, run by
 * each room's `badInput.test.ts`):
 * each row builds a credential from one bad input and must fail where it says, at construction
 * or in `getToken`, with a typed error whose `code` callers can branch on; none of the row's
 * secrets (client secret, certificate password, key body, assertion, authorization code, user
 * assertion, any JWT) may show up in the error, its causes, the logs, the spans or the
 * credential's events; and a credential that was built must leave a trace of its failure.
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
  AuthenticationError,
  CertificateError,
  CredentialUnavailableError,
  InvalidArgumentError,
  TokenManager,
  type IdentityErrorCode,
  type LogLevel,
  type ReactiveCredential,
  type TokenEvent,
} from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { makeClientCertificate } from './certificates.js';
import { describeError } from './errorText.js';
import { VirtualClock } from './virtualClock.js';

// Every secret of the tables starts with CANARY: if the word shows up anywhere, something leaked.
export const SECRET = 'CANARY-secret~Qx7.Lm2Vb8Ns3Td6Yh';
export const WRONG_SECRET = 'CANARY-wrong~Zr4pQx.7wLm2Vb8Nk';
export const PFX_PASSWORD = 'CANARY-pfx~Hy6.Td3Ns8Vb2Lm7Qe';
export const WRONG_PASSWORD = 'CANARY-badpfx~Rt5.Gk2Wq9Xc4Jd';
export const THROWN_SECRET = 'CANARY-thrown~Uv8.Pb3Mz6Wk1Sd';
export const GARBAGE_USER_ASSERTION = 'CANARY-user-assertion~Pw3.Ks8Fj2';

export const SECRET_APP = '5ec2e7a0-0000-4000-8000-0000000000a1';
export const CERT_APP = 'ce27a0a0-0000-4000-8000-0000000000a2';
export const API_APP = 'a0a0a0a3-0000-4000-8000-0000000000a3';
export const PUBLIC_APP = 'b0b1c0c1-0000-4000-8000-0000000000a4';
export const WEB_APP = '0eb0eb0e-0000-4000-8000-0000000000a5';
export const WEB_REDIRECT = 'https://app.contoso.test/callback';
export const UNKNOWN_TENANT = '00000000-0000-4000-8000-00000000dead';
export const MALFORMED_TENANT = 'tenant/../../evil';
export const HTTP_AUTHORITY = 'http://127.0.0.1:1';
export const STORAGE = 'https://storage.azure.com/.default';
export const GRAPH = 'https://graph.microsoft.com/User.Read';
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\./;

/** What the authority answers for a tenant it does not know. */
export const unknownTenant = { error: 'invalid_request', errorCodes: [90002] };

/** What `credential`'s constructor says of a missing or empty `parameter`. */
export const requiredParameter =
  (credential: string) =>
  (parameter: string): RegExp =>
    new RegExp(`^${credential}: ${parameter} is a required parameter\\.`);
export const MALFORMED_TENANT_MESSAGE = /^Invalid tenant id "tenant\/\.\.\/\.\.\/evil"/;
export const HTTP_AUTHORITY_MESSAGE =
  /^The authority host must use https; "http:\/\/127\.0\.0\.1:1"/;

export const cert = makeClientCertificate('bad-input client');
/** The base64 lines of the private key: none of them may ever be printed. */
const KEY_LINES = cert.keyPem.split('\n').filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line));

/** The PEM with its key body mangled: still PEM-shaped, no longer a key. */
export function malformedPem(): string {
  const [first] = KEY_LINES;
  return cert.certPem + cert.keyPem.replace(first!, first!.split('').reverse().join(''));
}

/** A JWT signed with a key nobody registered, containing a canary claim. */
export function forgedAssertion(): Promise<string> {
  return new SignJWT({ canary: 'CANARY' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(CERT_APP)
    .setSubject(CERT_APP)
    .setJti(randomBytes(8).toString('hex'))
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(randomBytes(32));
}

/** What each row's credential is built with: the emulator, telemetry and logging of the row. */
export interface Kit {
  em: Emulator;
  /** Options without an authority host (for EnvironmentCredential, which reads it from env). */
  base: {
    tlsOptions: { ca: string };
    env: Record<string, string>;
    tokenManager: TokenManager;
    loggingOptions: { logLevel: 'verbose'; sink: (level: LogLevel, message: string) => void };
  };
  options: Kit['base'] & { authorityHost: string };
  clock: VirtualClock | undefined;
  /** Writes a file in the test file's temp dir and returns its path. */
  file(name: string, content: string | Buffer): string;
  /** A path in the test file's temp dir that nothing was written to. */
  missing(name: string): string;
  /** Moves the emulator's clock `ms` ahead until the row ends. */
  skew(ms: number): void;
}

/** One bad input: how to build the credential (which may throw) and what it must not reveal. */
export interface Scenario {
  make(): ReactiveCredential;
  secrets?: string[];
  scope?: string;
  /** Runs while `getToken` is pending, e.g. to move virtual time. */
  drive?(): Promise<void>;
}

/** The codes a bad input may fail with, and the class of the error that carries each. */
const CLASS_OF = {
  ERR_CREDENTIAL_UNAVAILABLE: CredentialUnavailableError,
  ERR_INVALID_ARGUMENT: InvalidArgumentError,
  ERR_AUTHENTICATION_FAILED: AuthenticationError,
  ERR_INVALID_CERTIFICATE: CertificateError,
} satisfies Partial<Record<IdentityErrorCode, new (...args: never[]) => Error>>;

interface RowBase {
  name: string;
  code: keyof typeof CLASS_OF;
  /** Runs the row on a virtual clock. */
  virtualTime?: boolean;
  scenario(kit: Kit): Scenario | Promise<Scenario>;
}

/** What every row must do: fail where and with what it says, leak nothing, leave a trace. */
export type Row = RowBase &
  (
    | {
        /** The constructor throws: no credential is built. */
        failsAt: 'construction';
        /** What the thrown error says. */
        message: RegExp;
        authority?: never;
      }
    | {
        /** The constructor returns and `getToken` rejects. */
        failsAt: 'getToken';
        message?: RegExp;
        /** The authority's error, for rows the authority refused. */
        authority?: { error: string; errorCodes?: number[] };
      }
  );

interface Outcome {
  error: unknown;
  /** Where the row failed: the constructor threw, `getToken` rejected, or nothing failed. */
  stage: 'construction' | 'getToken' | 'none';
  telemetry: { logs: string[]; spans: string[]; events: string[] };
  haystack: string;
  secrets: string[];
}

/** The emulator, temp dir and clock skew of one test file. */
interface Room {
  em: Emulator;
  dir: string;
  skewMs: number;
}

/** Runs one row on its own engine, tracer and log, and gathers everything it printed. */
async function observe(room: Room, row: Row): Promise<Outcome> {
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
  const { em, dir } = room;
  const base: Kit['base'] = {
    tlsOptions: { ca: em.ca },
    env: {},
    tokenManager,
    loggingOptions: { logLevel: 'verbose', sink: (level, line) => logs.push(`${level} ${line}`) },
  };
  let credential: ReactiveCredential | undefined;
  let error: unknown;
  let stage: Outcome['stage'] = 'none';
  let secrets: string[] = [];
  try {
    const scenario = await row.scenario({
      em,
      base,
      options: { ...base, authorityHost: em.url },
      clock,
      file: (name, content) => {
        const path = join(dir, name);
        writeFileSync(path, content);
        return path;
      },
      missing: (name) => join(dir, name),
      skew: (ms) => {
        room.skewMs = ms;
      },
    });
    secrets = scenario.secrets ?? [];
    try {
      credential = scenario.make();
    } catch (thrown) {
      error = thrown;
      stage = 'construction';
    }
    if (credential !== undefined) {
      const subscription = credential.events$.subscribe((event) => events.push(event));
      // Handled at once: the attempt may fail while `drive` still runs.
      const attempt = credential.getToken(scenario.scope ?? STORAGE).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      // A failure of `drive` (a step or an assertion of its own) fails the row as it is; closing
      // the credential below cancels the attempt.
      await scenario.drive?.();
      error = await attempt;
      subscription.unsubscribe();
      if (error !== undefined) stage = 'getToken';
    }
  } finally {
    room.skewMs = 0;
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
    stage,
    telemetry,
    haystack: [...describeError(error), ...logs, ...spans, ...telemetry.events].join('\n'),
    secrets: [...secrets, ...KEY_LINES],
  };
}

/** The error, as a failed expectation should show it. */
function summary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function failsWithItsCode(outcome: Outcome, row: Row): Promise<void> {
  const { error, stage } = outcome;
  // Where first: a row expected to fail in getToken fails here if the constructor threw instead.
  expect({ stage, error: summary(error) }).toMatchObject({ stage: row.failsAt });
  expect(error).toMatchObject({ code: row.code });
  expect(error).toBeInstanceOf(CLASS_OF[row.code]);
  if (row.message !== undefined) expect((error as Error).message).toMatch(row.message);
  if (row.authority !== undefined) {
    const { errorResponse } = error as AuthenticationError;
    expect(errorResponse.error).toBe(row.authority.error);
    if (row.authority.errorCodes !== undefined)
      expect(errorResponse.errorCodes).toEqual(row.authority.errorCodes);
  }
}

/** The secret-leak check: no secret of the row, no CANARY, no JWT in anything it printed. */
async function revealsNoSecret(outcome: Outcome): Promise<void> {
  const { haystack, secrets } = outcome;
  expect(secrets.filter((secret) => haystack.includes(secret))).toEqual([]);
  expect(haystack).not.toContain('CANARY');
  expect(haystack).not.toMatch(JWT);
}

// The leak check is only as good as what it searched: a credential that was built must have
// logged, traced and published its failed acquisition; one that was not built acquired nothing.
async function recordsTheFailure(outcome: Outcome, row: Row): Promise<void> {
  const { stage, telemetry } = outcome;
  expect({ stage, error: summary(outcome.error) }).toMatchObject({ stage: row.failsAt });
  const acquired = telemetry.spans.some((span) => span.includes(ACQUIRE_SPAN_NAME));
  if (row.failsAt === 'construction') {
    expect({ acquired, events: telemetry.events }).toEqual({ acquired: false, events: [] });
    return;
  }
  expect(telemetry.logs.some((line) => line.includes('getToken() => ERROR'))).toBe(true);
  expect(acquired).toBe(true);
  expect(telemetry.events.some((event) => event.includes('"acquisition-failed"'))).toBe(true);
}

const rules: [string, (outcome: Outcome, row: Row) => Promise<void>][] = [
  ['fails $name with $code', failsWithItsCode],
  ['reveals no secret of $name in the error, logs, spans or events', revealsNoSecret],
  ['records $name in a log line, a span and an event once built', recordsTheFailure],
];

/**
 * Runs tables of bad input, `{ CredentialName: rows }`: a `<credential> with bad input` block
 * each, three tests a row (its failure, the leak check, its trace), on one emulator that knows
 * every app of the tables. Each row runs once; its tests share the outcome, and every one of them
 * asserts on every path.
 */
export function describeBadInput(tables: Record<string, Row[]>): void {
  const room = {} as Room;
  beforeAll(async () => {
    room.skewMs = 0;
    room.em = await startEmulator({
      now: () => Date.now() + room.skewMs,
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
    room.dir = mkdtempSync(join(tmpdir(), 'ri-bad-input-'));
  });
  afterAll(async () => {
    await room.em?.stop();
    if (room.dir !== undefined) rmSync(room.dir, { recursive: true, force: true });
  });

  const outcomes = new Map<Row, Promise<Outcome>>();
  const outcomeOf = (row: Row): Promise<Outcome> => {
    let outcome = outcomes.get(row);
    if (outcome === undefined) {
      outcome = observe(room, row);
      outcomes.set(row, outcome);
    }
    return outcome;
  };

  for (const [credential, rows] of Object.entries(tables)) {
    describe(`${credential} with bad input`, () => {
      for (const [title, check] of rules) {
        it.each(rows)(title, async (row) => {
          expect.hasAssertions();
          await check(await outcomeOf(row), row);
        });
      }
    });
  }
}
