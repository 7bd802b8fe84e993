/**
 * Generated answers of token endpoints and managed identity endpoints, for the fuzz tests: each
 * case says what the server sends (status, headers, body, how the bytes arrive) and what a
 * correct client must make of it. Bodies carry secrets (tokens, and echoes of the request's client
 * secret, assertion or identity header) that must never come back in an error.
 *
 * Arbitraries are built once and combined with `map` only (no `chain`): bodies are generated as
 * shapes and rendered with the case's secrets, which keeps generation cheap enough for thousands
 * of cases per test.
 */
import fc from 'fast-check';

/** What a correct parser makes of a body that arrives whole with a 2xx status. */
export type Verdict = 'token' | 'invalid' | 'either';

/** A JSON field: its raw JSON text (absent when undefined) and whether it is acceptable. */
interface Field {
  raw?: string;
  verdict: 'good' | 'bad' | 'either';
  /** For lifetimes: seconds from now the token lives, when the field is good. */
  seconds?: number;
}

/** The secrets of the request that the server may echo. */
export interface RequestSecrets {
  clientSecret: string;
  assertion: string;
  identityHeader: string;
}

export interface GeneratedBody {
  text: string | Buffer;
  /** What the library's own parsers make of it. */
  verdict: Verdict;
  /** What comes out once MSAL has read it too (it looks at fields the parsers leave alone). */
  msalVerdict: Verdict;
  /** The token values the body carries in its fields (and may echo elsewhere). */
  secrets: string[];
  /** The access token a good body yields, and its lifetime in seconds. */
  token?: { value: string; lifetimeS: number };
}

/** How the bytes of the answer arrive. */
export type Delivery =
  | { kind: 'whole' }
  | { kind: 'chunked'; pieces: number }
  /** In a few pieces with short gaps, finishing well within the deadline. */
  | { kind: 'paced'; pieces: number; gapMs: number }
  /** One byte per gap, far beyond the deadline. */
  | { kind: 'trickle'; gapMs: number }
  /** Headers and part of the body, then silence. */
  | { kind: 'stall'; fraction: number }
  /** Headers and part of the body, then the connection is closed. */
  | { kind: 'truncate'; fraction: number }
  /** The connection is destroyed before any answer. */
  | { kind: 'reset' }
  /** No answer at all. */
  | { kind: 'silent' }
  /** The body padded beyond the clients' size limit. */
  | { kind: 'huge'; extraBytes: number };

export interface FuzzResponse {
  status: number;
  headers: Record<string, string>;
  body: GeneratedBody;
  delivery: Delivery;
}

export interface FuzzCase {
  request: RequestSecrets;
  response: FuzzResponse;
}

export type Protocol = 'token' | 'mi';

/** The size limit of both clients' response bodies. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Deliveries that never complete within the request deadline. */
export const SLOW_KINDS: ReadonlySet<Delivery['kind']> = new Set(['trickle', 'stall', 'silent']);
/** The latest instant a `Date` can hold. */
export const MAX_DATE_MS = 8.64e15;

const nowS = () => Math.floor(Date.now() / 1000);

// ── Secrets ────────────────────────────────────────────────────────────────────────────────────
// Long enough, and marked, so that no other generated text contains one by chance.

const chars = (alphabet: string, minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const base64url = chars(`${ALNUM}_-`, 8, 24);
const opaqueSecret = (marker: string) =>
  fc.tuple(base64url, chars(`${ALNUM}._~-`, 0, 8)).map(([a, b]) => `${marker}${a}${b}`);
const jwtSecret = fc
  .tuple(base64url, base64url, base64url)
  .map(([h, p, s]) => `eyJ${h}.eyJ${p}.${s}`);
const tokenValue = (marker: string) => fc.oneof(opaqueSecret(marker), jwtSecret);

export const requestSecrets: fc.Arbitrary<RequestSecrets> = fc.record({
  clientSecret: opaqueSecret('Cs~'),
  assertion: fc.oneof(jwtSecret, opaqueSecret('As~')),
  identityHeader: opaqueSecret('Ih~'),
});

// ── Fields ─────────────────────────────────────────────────────────────────────────────────────

const good = (raw?: string, seconds?: number): Field => ({ raw, verdict: 'good', seconds });
const bad = (raw?: string): Field => ({ raw, verdict: 'bad' });
const either = (raw?: string): Field => ({ raw, verdict: 'either' });

/** Values that are never a usable number of seconds. */
const BAD_SECONDS = [
  '0',
  '-0',
  '-1',
  '-3600',
  '"0"',
  '"-5"',
  '"3600s"',
  '"NaN"',
  '"Infinity"',
  '"-Infinity"',
  '"0x10"',
  '"1e3"',
  '""',
  '" "',
  '"٣٦٠٠"',
  'true',
  '{}',
  '[3600]',
  '"null"',
  '1e400',
  '-1e400',
  '1e300',
  '1.7976931348623157e308',
  '9007199254740993',
  '1e13',
];

/** A lifetime in seconds, as `expires_in` is sent. */
const lifetime: fc.Arbitrary<Field> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 60, max: 200_000 }).map((n) => good(String(n), n)) },
  { weight: 2, arbitrary: fc.integer({ min: 60, max: 200_000 }).map((n) => good(`"${n}"`, n)) },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 90_000 }).map((n) => good(`" ${n} "`, n)) },
  {
    weight: 1,
    arbitrary: fc.double({ min: 60, max: 100_000, noNaN: true }).map((n) => good(String(n), n)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 9_000 }).map((n) => good(`"${n}.25"`, n)) },
  // Long but representable; a client must not choke on them.
  { weight: 1, arbitrary: fc.constantFrom(1e9, 2 ** 31).map((n) => good(String(n), n)) },
  // Too short to be of use to the engine, but valid on the wire.
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }).map((n) => good(String(n), n)) },
  { weight: 3, arbitrary: fc.constantFrom(...BAD_SECONDS).map(bad) },
  { weight: 1, arbitrary: fc.constant(bad('null')) },
  { weight: 2, arbitrary: fc.constant(bad()) },
);

/** `refresh_in`, as a function of the lifetime: absent, a usable hint, or something unusable. */
const refreshIn: fc.Arbitrary<(expires: Field) => Field> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(() => good()) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.boolean())
      .map(([fraction, quoted]) => (expires: Field) => {
        const n = Math.max(1, Math.floor((expires.seconds ?? 3600) * fraction));
        return good(quoted ? `"${n}"` : String(n));
      }),
  },
  { weight: 2, arbitrary: fc.constantFrom(...BAD_SECONDS).map((raw) => () => bad(raw)) },
  { weight: 1, arbitrary: fc.constant(() => either('null')) },
);

/** `access_token` as a function of the token: the secret, mistyped, or holding it in an array. */
type SecretField = (value: string) => { field: Field; carries: boolean };
const accessToken: fc.Arbitrary<SecretField> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constant((v: string) => ({ field: good(JSON.stringify(v)), carries: true })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(undefined, '""', 'null', '42', '{}', '[]')
      .map((raw) => () => ({ field: bad(raw), carries: false })),
  },
  {
    weight: 1,
    arbitrary: fc.constant((v: string) => ({ field: bad(JSON.stringify([v])), carries: true })),
  },
);

/** `expires_on`, as managed identity endpoints send it, or something that is not a usable time. */
interface ExpiresOn {
  field: Field;
  /** Whether the field parses to a time (then `expires_in` is not looked at). */
  parses: boolean;
}
const expiresOn: fc.Arbitrary<ExpiresOn> = (() => {
  const future = fc.integer({ min: 600, max: 200_000 });
  const at = (raw: (s: number) => string) =>
    future.map((n): ExpiresOn => ({ field: good(raw(nowS() + n), n), parses: true }));
  return fc.oneof(
    { weight: 3, arbitrary: at((s) => String(s)) },
    { weight: 2, arbitrary: at((s) => `"${s}"`) },
    { weight: 1, arbitrary: at((s) => JSON.stringify(new Date(s * 1000).toUTCString())) },
    { weight: 1, arbitrary: at((s) => JSON.stringify(new Date(s * 1000).toISOString())) },
    // In the past or beyond any date: they parse, to a useless time.
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          () => String(nowS() - 3600),
          () => `"${nowS() - 10}"`,
          () => '1e300',
          () => '0',
          () => '-1',
          () => '"-1"',
          () => JSON.stringify(new Date(Date.now() - 60_000).toUTCString()),
        )
        .map((raw): ExpiresOn => ({ field: bad(raw()), parses: true })),
    },
    // Milliseconds by mistake: a date some 50 000 years away, absurd but representable.
    {
      weight: 1,
      arbitrary: fc.constant(0).map((): ExpiresOn => ({
        field: either(String(Date.now() + 3_600_000)),
        parses: true,
      })),
    },
    // Not a time at all: absent, mistyped or unparseable.
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(undefined, 'null', 'true', '{}', '"soon"', '"NaN"', '""', '" "', '"never"')
        .map((raw): ExpiresOn => ({ field: bad(raw), parses: false })),
    },
  );
})();

// ── Descriptions, echoing secrets ──────────────────────────────────────────────────────────────

const ECHOES = [
  (s: string) => `Invalid client secret provided: ${s}`,
  (s: string) => `client_secret=${s}&grant_type=client_credentials`,
  (s: string) => `client_assertion=${encodeURIComponent(s)}`,
  (s: string) => `client_secret: ${s}`,
  (s: string) => `The token ${s} is expired.`,
  (s: string) => `{"access_token":"${s}"}`,
  (s: string) => `X-IDENTITY-HEADER ${s} is wrong`,
];

/** Free text, or an echo of one of the secrets given, the way servers repeat them. */
type Description = (echo: readonly string[]) => string;
const description: fc.Arbitrary<Description> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.string({ maxLength: 60 }),
        fc.constantFrom(
          'AADSTS7000215: Invalid client secret provided.',
          'AADSTS700016: Application not found in the directory.',
          'Identity not found',
          'The request is invalid.',
        ),
      )
      .map((text) => () => text),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.nat({ max: ECHOES.length - 1 }), fc.nat()).map(
      ([shape, which]) =>
        (echo: readonly string[]) =>
          echo.length === 0 ? 'nothing to echo' : ECHOES[shape]!(echo[which % echo.length]!),
    ),
  },
);

// JSON nested deeper than a recursive walk of it can go (and well within the size limit).
const DEPTH = 20_000;
const DEEP_ARRAY = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
const DEEP_EXTENSION = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;
const DEEP_TOKEN = 'At~deep-nested-token';
const DEEP_OBJECT = `${'{"access_token":'.repeat(DEPTH)}"${DEEP_TOKEN}"${'}'.repeat(DEPTH)}`;

// ── Bodies ─────────────────────────────────────────────────────────────────────────────────────

/** A body as a function of the request's secrets. */
type BodyMaker = (request: RequestSecrets) => GeneratedBody;

function renderObject(fields: Record<string, Field>): string {
  const parts = Object.entries(fields)
    .filter(([, f]) => f.raw !== undefined)
    .map(([name, f]) => `${JSON.stringify(name)}:${f.raw}`);
  return `{${parts.join(',')}}`;
}

function combine(fields: Field[]): Verdict {
  if (fields.some((f) => f.verdict === 'bad')) return 'invalid';
  return fields.some((f) => f.verdict === 'either') ? 'either' : 'token';
}

/** Sometimes breaks the JSON of a body: cut short, or wrapped in something else. */
type Corruption = (body: GeneratedBody) => GeneratedBody;
const WRAPS = [
  (t: string) => `\uFEFF${t}`,
  (t: string) => `${t}}`,
  (t: string) => `[${t}]`,
  (t: string) => `)]}'\n${t}`,
  (t: string) => `<html><body><pre>${t}</pre></body></html>`,
];
const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  { weight: 10, arbitrary: fc.constant((body: GeneratedBody) => body) },
  {
    weight: 2,
    arbitrary: fc
      .double({ min: 0, max: 0.999, noNaN: true })
      .map((f) => (body: GeneratedBody): GeneratedBody => {
        const text = body.text as string;
        const cut = Math.min(text.length - 1, Math.max(1, Math.floor(text.length * f)));
        return { ...body, text: text.slice(0, cut), verdict: 'invalid', msalVerdict: 'invalid' };
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .nat({ max: WRAPS.length - 1 })
      .map((i) => (body: GeneratedBody): GeneratedBody => ({
        ...body,
        text: WRAPS[i]!(body.text as string),
        verdict: 'invalid',
        msalVerdict: 'invalid',
      })),
  },
);

/** A token endpoint's 2xx body: valid or not in every field. */
const fuzzedTokenBody: fc.Arbitrary<BodyMaker> = fc
  .record({
    at: tokenValue('At~'),
    rt: tokenValue('Rt~'),
    accessToken,
    withRefreshToken: fc.boolean(),
    expires: lifetime,
    refreshIn,
    tokenType: fc.constantFrom(
      good('"Bearer"'),
      good('"Bearer"'),
      good('"bearer"'),
      either(),
      either('"pop"'),
      either('7'),
    ),
    ext: fc.constantFrom(good(), good(), good('7200'), either('"soon"'), either('null')),
    idToken: fc.constantFrom(
      good(),
      good(),
      good(),
      either('"not.a.jwt"'),
      either('{"nested":[1,2,{"deep":null}]}'),
    ),
    // A 2xx that carries an OAuth error is an error, whatever else it holds.
    withError: fc.constantFrom(false, false, false, false, false, true),
    // Rarely, an extension nested deeper than a recursive copy of the body can go.
    extension: fc.oneof(
      { weight: 60, arbitrary: fc.constant(good()) },
      { weight: 1, arbitrary: fc.constant(either(DEEP_EXTENSION)) },
    ),
    description,
    corruption,
  })
  .map((p) => (request: RequestSecrets): GeneratedBody => {
    const access = p.accessToken(p.at);
    // A body may echo its own tokens, and the request's secrets, in its description.
    const held = [...(access.carries ? [p.at] : []), ...(p.withRefreshToken ? [p.rt] : [])];
    const fields: Record<string, Field> = {
      access_token: access.field,
      refresh_token: p.withRefreshToken ? good(JSON.stringify(p.rt)) : good(),
      expires_in: p.expires,
      refresh_in: p.refreshIn(p.expires),
      token_type: p.tokenType,
      ext_expires_in: p.ext,
      id_token: p.idToken,
      x_ms_extension: p.extension,
      error: p.withError ? good('"server_error"') : good(),
      error_description: p.withError
        ? good(JSON.stringify(p.description([...held, request.clientSecret, request.assertion])))
        : good(),
    };
    // The parsers look at three fields; MSAL at all of them.
    const verdict = combine([fields.access_token!, fields.expires_in!, fields.refresh_in!]);
    return p.corruption({
      text: renderObject(fields),
      verdict,
      msalVerdict: combine(Object.values(fields)),
      secrets: held,
      token: verdict === 'invalid' ? undefined : { value: p.at, lifetimeS: p.expires.seconds ?? 0 },
    });
  });

/** A managed identity endpoint's 2xx body: `expires_on` (several shapes) and `expires_in`. */
const fuzzedMiBody: fc.Arbitrary<BodyMaker> = fc
  .record({
    at: tokenValue('At~'),
    accessToken,
    expiresIn: lifetime,
    expiresOn,
    refreshIn,
    withMessage: fc.boolean(),
    description,
    corruption,
  })
  .map((p) => (request: RequestSecrets): GeneratedBody => {
    const access = p.accessToken(p.at);
    const held = access.carries ? [p.at] : [];
    // `expires_on` decides when it parses; `expires_in` is the fallback.
    const expiry = p.expiresOn.parses ? p.expiresOn.field : p.expiresIn;
    const refresh = p.refreshIn(expiry);
    const fields: Record<string, Field> = {
      access_token: access.field,
      expires_on: p.expiresOn.field,
      expires_in: p.expiresIn,
      resource: good('"https://vault.azure.net"'),
      token_type: good('"Bearer"'),
      refresh_in: refresh,
      message: p.withMessage
        ? good(JSON.stringify(p.description([...held, request.identityHeader])))
        : good(),
    };
    const verdict = combine([access.field, expiry, refresh]);
    return p.corruption({
      text: renderObject(fields),
      verdict,
      msalVerdict: verdict,
      secrets: held,
      token: verdict === 'invalid' ? undefined : { value: p.at, lifetimeS: expiry.seconds ?? 0 },
    });
  });

/** A good token, as Entra sends it: what most answers are, under odd statuses and deliveries. */
const wellFormed = fc.record({
  at: tokenValue('At~'),
  lifetimeS: fc.integer({ min: 60, max: 100_000 }),
  withRefreshIn: fc.boolean(),
});

const wellFormedTokenBody: fc.Arbitrary<BodyMaker> = wellFormed.map(
  ({ at, lifetimeS, withRefreshIn }) =>
    (): GeneratedBody => ({
      text: JSON.stringify({
        token_type: 'Bearer',
        expires_in: lifetimeS,
        ext_expires_in: lifetimeS,
        ...(withRefreshIn ? { refresh_in: Math.ceil(lifetimeS / 2) } : {}),
        access_token: at,
      }),
      verdict: 'token',
      msalVerdict: 'token',
      secrets: [at],
      token: { value: at, lifetimeS },
    }),
);

const wellFormedMiBody: fc.Arbitrary<BodyMaker> = wellFormed.map(
  ({ at, lifetimeS, withRefreshIn }) =>
    (): GeneratedBody => ({
      text: JSON.stringify({
        access_token: at,
        expires_on: String(nowS() + lifetimeS),
        expires_in: String(lifetimeS),
        ...(withRefreshIn ? { refresh_in: Math.ceil(lifetimeS / 2) } : {}),
        resource: 'https://vault.azure.net',
        token_type: 'Bearer',
      }),
      verdict: 'token',
      msalVerdict: 'token',
      secrets: [at],
      token: { value: at, lifetimeS },
    }),
);

const tokenEndpointBody = fc.oneof(
  { weight: 1, arbitrary: wellFormedTokenBody },
  { weight: 2, arbitrary: fuzzedTokenBody },
);
const managedIdentityBody = fc.oneof(
  { weight: 1, arbitrary: wellFormedMiBody },
  { weight: 2, arbitrary: fuzzedMiBody },
);

const junk = (text: string | Buffer): GeneratedBody => ({
  text,
  verdict: 'invalid',
  msalVerdict: 'invalid',
  secrets: [],
});

/** Bodies that are never a token response: pages, text, scalars, bytes, deep nesting. */
const junkBody: fc.Arbitrary<BodyMaker> = fc.oneof(
  fc
    .constantFrom('', 'null', '[]', '{}', '"token"', '42', 'true', 'undefined')
    .map((t) => () => junk(t)),
  fc
    .tuple(fc.constantFrom('Bad Gateway', 'Service Unavailable', 'Forbidden', 'Login'), description)
    .map(
      ([title, text]) =>
        (request: RequestSecrets) =>
          junk(
            `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>${text([request.clientSecret, request.assertion, request.identityHeader])}</p></body></html>`,
          ),
    ),
  fc.string({ maxLength: 200 }).map((t) => () => junk(t)),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => () => junk(Buffer.from(bytes))),
  fc.constant((request: RequestSecrets) =>
    junk(`client_secret=${request.clientSecret}&client_assertion=${request.assertion}`),
  ),
);

/** Rare (they are slow to parse): bodies nested 20 000 deep, one with a token at the bottom. */
const deepBody: fc.Arbitrary<BodyMaker> = fc
  .constantFrom(DEEP_ARRAY, DEEP_OBJECT)
  .map((text) => () => ({ ...junk(text), secrets: text === DEEP_OBJECT ? [DEEP_TOKEN] : [] }));

/** An error body as token endpoints and managed identity hosts send them, often mistyped. */
const errorBody: fc.Arbitrary<BodyMaker> = fc
  .record({
    error: fc.oneof(
      fc.constantFrom('invalid_client', 'temporarily_unavailable', 'invalid_request'),
      fc.string({ maxLength: 20 }),
    ),
    description,
    shape: fc.constantFrom('oauth', 'oauth-mistyped', 'mi-nested', 'mi-message', 'empty-object'),
    codes: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 3 }),
    corruption,
  })
  .map((p) => (request: RequestSecrets): GeneratedBody => {
    const text = p.description([request.clientSecret, request.assertion, request.identityHeader]);
    const bodies = {
      oauth: {
        error: p.error,
        error_description: text,
        error_codes: p.codes,
        timestamp: '2026-01-01 00:00:00Z',
        trace_id: '0f0e0d0c-0000-4000-8000-000000000001',
        correlation_id: '0f0e0d0c-0000-4000-8000-000000000002',
      },
      'oauth-mistyped': { error: p.codes, error_description: { text }, error_codes: 7 },
      'mi-nested': { error: { code: p.error, message: text } },
      'mi-message': { message: text },
      'empty-object': {},
    };
    return p.corruption(junk(JSON.stringify(bodies[p.shape])));
  });

// ── Status, headers, delivery ──────────────────────────────────────────────────────────────────

const SUCCESS_STATUSES = [200, 200, 200, 200, 201, 202, 203, 206, 226, 299];
const ERROR_STATUSES = [
  300, 301, 302, 307, 400, 401, 403, 404, 405, 408, 410, 413, 418, 429, 451, 499, 500, 501, 502,
  503, 504, 505, 507, 599,
];
const status = (successWeight: number) =>
  fc.oneof(
    { weight: successWeight, arbitrary: fc.constantFrom(...SUCCESS_STATUSES) },
    { weight: 4, arbitrary: fc.constantFrom(...ERROR_STATUSES) },
  );

const retryAfter: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 0, max: 100_000 }).map((n) => ({ 'retry-after': String(n) })),
  },
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: -3600, max: 86_400 })
      .map((s) => ({ 'retry-after': new Date(Date.now() + s * 1000).toUTCString() })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('soon', '-5', '1.5', '', '9'.repeat(400), '99999999999999999999', 'Infinity')
      .map((v) => ({ 'retry-after': v })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 10_000_000 })
      .map((n) => ({ 'retry-after-ms': String(n) })),
  },
);

const contentType = fc.constantFrom<Record<string, string>>(
  { 'content-type': 'application/json; charset=utf-8' },
  { 'content-type': 'application/json' },
  { 'content-type': 'text/html' },
  { 'content-type': 'text/plain; charset=iso-8859-1' },
  { 'content-type': 'application/x-www-form-urlencoded' },
  { 'content-type': 'foo/bar;;;' },
  { 'content-type': 'application/json', 'content-encoding': 'gzip' },
  {},
);

const completeDelivery: fc.Arbitrary<Delivery> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'whole' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: 2, max: 6 })
      .map((pieces) => ({ kind: 'chunked' as const, pieces })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ pieces: fc.integer({ min: 2, max: 3 }), gapMs: fc.integer({ min: 1, max: 10 }) })
      .map((p) => ({ kind: 'paced' as const, ...p })),
  },
);

const fraction = fc.double({ min: 0, max: 0.95, noNaN: true });

/** Deliveries that never complete: trickled, stalled or silent. */
const slowDelivery: fc.Arbitrary<Delivery> = fc.oneof(
  fc.integer({ min: 25, max: 60 }).map((gapMs) => ({ kind: 'trickle' as const, gapMs })),
  fraction.map((f) => ({ kind: 'stall' as const, fraction: f })),
  fc.constant({ kind: 'silent' as const }),
);

/** Deliveries that break at once: truncated, reset or oversized. */
const brokenDelivery: fc.Arbitrary<Delivery> = fc.oneof(
  fraction.map((f) => ({ kind: 'truncate' as const, fraction: f })),
  fc.constant({ kind: 'reset' as const }),
  fc
    .integer({ min: 1, max: 128 * 1024 })
    .map((extraBytes) => ({ kind: 'huge' as const, extraBytes })),
);

/** Token bodies `tokenWeight` to 2 error bodies to 2 junk ones; one in about 200 deeply nested. */
const bodies = (protocol: Protocol, tokenWeight: number) =>
  fc.oneof(
    {
      weight: 20 * tokenWeight,
      arbitrary: protocol === 'token' ? tokenEndpointBody : managedIdentityBody,
    },
    { weight: 40, arbitrary: errorBody },
    { weight: 40, arbitrary: junkBody },
    { weight: 1, arbitrary: deepBody },
  );

/** Options of {@link fuzzCase}. */
export interface FuzzCaseOptions {
  /** Only deliveries that cannot finish within a deadline. Default false. */
  slow?: boolean;
  /** More 2xx token bodies (for the few cases that go through whole credentials). Default false. */
  favourTokens?: boolean;
}

/**
 * A request's secrets and the response of `protocol`'s endpoint to it. With `slow`, only
 * deliveries that cannot finish within a deadline; otherwise mostly complete deliveries, one in
 * ten truncated, reset or oversized.
 */
export function fuzzCase(
  protocol: Protocol,
  options: FuzzCaseOptions = {},
): fc.Arbitrary<FuzzCase> {
  const favour = options.favourTokens === true;
  const delivery = options.slow
    ? slowDelivery
    : fc.oneof(
        { weight: 9, arbitrary: completeDelivery },
        { weight: 1, arbitrary: brokenDelivery },
      );
  return fc
    .record({
      request: requestSecrets,
      body: bodies(protocol, favour ? 12 : 5),
      status: status(favour ? 12 : 6),
      contentType,
      retryAfter,
      delivery,
    })
    .map((p) => ({
      request: p.request,
      response: {
        status: p.status,
        headers: { ...p.contentType, ...p.retryAfter },
        body: p.body(p.request),
        delivery: p.delivery,
      },
    }));
}

// ── Checks ─────────────────────────────────────────────────────────────────────────────────────

/** Every secret a case holds: those of the request that it `sent`, and the body's. */
export function secretsOf(fuzz: FuzzCase, sent: readonly (keyof RequestSecrets)[]): string[] {
  return [...sent.map((name) => fuzz.request[name]), ...fuzz.response.body.secrets];
}

/** The body bytes as sent (padded for `huge`). */
export function bodyBytes(response: FuzzResponse): Buffer {
  const text = response.body.text;
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  if (response.delivery.kind !== 'huge') return bytes;
  return Buffer.concat([bytes, Buffer.alloc(MAX_BODY_BYTES + response.delivery.extraBytes, ' ')]);
}

/**
 * Every text of an error a user or a log could see: `String(error)` and its message (a stack
 * begins with the same), and the same for every error of its cause chain.
 */
export function visibleTexts(error: unknown): string[] {
  const texts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    texts.push(String(current));
    if (!(current instanceof Error)) break;
    texts.push(current.message);
    current = current.cause;
  }
  return texts;
}

/** The secrets that appear in any visible text of `error`. */
export function leakedSecrets(error: unknown, secrets: readonly string[]): string[] {
  const texts = visibleTexts(error);
  return secrets.filter((secret) => texts.some((text) => text.includes(secret)));
}
