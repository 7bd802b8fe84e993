/**
 * What a correct client makes of a generated response, and the checks every outcome must pass:
 * a typed error of the expected kind (never a raw one), no secret in any text of it, or a
 * well-formed token.
 */
import {
  AuthenticationError,
  IdentityError,
  isTransientStatus,
  type IdentityErrorCode,
} from '../../src/index.js';
import {
  bodyBytes,
  leakedSecrets,
  MAX_DATE_MS,
  SLOW_KINDS,
  type FuzzResponse,
  type Protocol,
} from './fuzzedResponses.js';

/** Who reads the body: the library's parsers alone, or MSAL after them. */
export type Via = 'parser' | 'msal';

/** What must come out. */
export type Expectation =
  | { kind: 'token'; value: string; lifetimeS: number }
  | { kind: 'token-or-error' }
  | { kind: 'error'; code: IdentityErrorCode; statusCode?: number; transient?: boolean };

/**
 * The outcome of one case. A result carries `receivedAt`, the wall-clock instant it arrived: a
 * token is judged as of then, not as of the end of its batch (on a loaded machine a batch can
 * outlast a token of a few seconds that was valid when it came).
 */
export type Outcome =
  | { ok: true; value: unknown; receivedAt: number }
  | { ok: false; error: unknown }
  | { ok: false; hang: string };

/** What a token check is given: the result, the expectation, and when the result arrived. */
export type TokenCheck = (
  value: unknown,
  expected: Expectation,
  receivedAt: number,
) => string | undefined;

/** The expectation at the HTTP layer: the delivery, then the status, then the body decide. */
export const expectAtTransport =
  (protocol: Protocol, via: Via = 'parser') =>
  (response: FuzzResponse): Expectation => {
    const { delivery } = response;
    if (SLOW_KINDS.has(delivery.kind) || delivery.kind === 'reset' || delivery.kind === 'truncate')
      return { kind: 'error', code: 'ERR_NETWORK', transient: true };
    if (delivery.kind === 'huge')
      return { kind: 'error', code: 'ERR_INVALID_RESPONSE', transient: false };
    return expectComplete(protocol, via)(response);
  };

/** Whether a body is a JSON object with an OAuth `error` or `error_description`. */
function hasOAuthError(text: string): boolean {
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body !== 'object' || body === null) return false;
    const { error, error_description: description } = body as Record<string, unknown>;
    return typeof error === 'string' || typeof description === 'string';
  } catch {
    return false;
  }
}

/**
 * The expectation for a response whose bytes all arrived: a non-2xx (and, from a token endpoint,
 * a 2xx carrying an OAuth error) is an `AuthenticationError` with its status; a 2xx body is a
 * token or an `InvalidResponseError`, as generated.
 */
export const expectComplete =
  (protocol: Protocol, via: Via = 'parser') =>
  (response: FuzzResponse): Expectation => {
    const { status, body } = response;
    const isError =
      status < 200 ||
      status >= 300 ||
      (protocol === 'token' && hasOAuthError(bodyBytes(response).toString('utf8')));
    if (isError) {
      return {
        kind: 'error',
        code: 'ERR_AUTHENTICATION_FAILED',
        statusCode: status,
        transient: isTransientStatus(status),
      };
    }
    // What the parsers refuse never reaches MSAL; what they accept, MSAL may still refuse.
    if (body.verdict === 'invalid')
      return { kind: 'error', code: 'ERR_INVALID_RESPONSE', transient: false };
    const verdict = via === 'parser' ? body.verdict : body.msalVerdict;
    if (verdict !== 'token' || body.token === undefined) return { kind: 'token-or-error' };
    return { kind: 'token', ...body.token };
  };

/** A problem with an outcome, or undefined when it is as it must be. */
export function problemWith(
  outcome: Outcome,
  expected: Expectation,
  secrets: readonly string[],
  checkToken: TokenCheck,
): string | undefined {
  if ('hang' in outcome) return `no outcome: ${outcome.hang}`;
  if (outcome.ok) {
    if (expected.kind === 'error') return `a result where ${expected.code} was expected`;
    return checkToken(outcome.value, expected, outcome.receivedAt);
  }
  const { error } = outcome;
  if (!(error instanceof IdentityError))
    return `an untyped error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  const leaked = leakedSecrets(error, secrets);
  if (leaked.length > 0) return `a secret in ${error.name}: ${error.message}`;
  if (expected.kind === 'token')
    return `${error.name} (${error.message}) where a token was expected`;
  if (expected.kind === 'error') {
    if (error.code !== expected.code)
      return `${error.code} (${error.message}), not ${expected.code}`;
    if (expected.transient !== undefined && error.transient !== expected.transient)
      return `${error.code} with transient ${error.transient}: ${error.message}`;
    if (
      expected.statusCode !== undefined &&
      (error as AuthenticationError).statusCode !== expected.statusCode
    )
      return `status ${(error as AuthenticationError).statusCode}, not ${expected.statusCode}`;
  }
  return undefined;
}

/** A token as the credentials hand it out: string, finite future expiry, sane refresh hint. */
export function accessTokenProblem(
  value: unknown,
  expected: Expectation,
  now: number,
): string | undefined {
  const token = value as {
    token?: unknown;
    expiresOnTimestamp?: unknown;
    refreshAfterTimestamp?: unknown;
  };
  if (typeof token.token !== 'string' || token.token === '') return 'a token that is not a string';
  const expires = token.expiresOnTimestamp;
  if (
    typeof expires !== 'number' ||
    !Number.isFinite(expires) ||
    expires <= now ||
    expires > MAX_DATE_MS
  )
    return `a token expiring at ${String(expires)}`;
  const refresh = token.refreshAfterTimestamp;
  if (
    refresh !== undefined &&
    (typeof refresh !== 'number' || !Number.isFinite(refresh) || refresh <= now - 1000)
  )
    return `a token to refresh at ${String(refresh)}`;
  if (expected.kind === 'token') {
    if (token.token !== expected.value) return 'another token than the body held';
    const due = now + expected.lifetimeS * 1000;
    if (Math.abs(expires - due) > 5_000) return `expiry ${expires}, not about ${due}`;
  }
  return undefined;
}

/** Runs `promise` against a real-time bound: past it, the outcome is a hang. */
export async function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<Outcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, hang: `${what} still pending after ${ms} ms` }),
      ms,
    );
  });
  try {
    return await Promise.race([
      promise.then(
        (value): Outcome => ({ ok: true, value, receivedAt: Date.now() }),
        (error: unknown): Outcome => ({ ok: false, error }),
      ),
      hang,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A short description of a case for failure messages (bodies cut to 300 characters). */
export function describeCase(response: FuzzResponse): string {
  const text = response.body.text;
  const shown = typeof text === 'string' ? text : `<${text.length} bytes>`;
  return JSON.stringify({
    status: response.status,
    headers: response.headers,
    delivery: response.delivery,
    verdict: response.body.verdict,
    body: shown.length > 300 ? `${shown.slice(0, 300)}…` : shown,
  });
}

/** What {@link driven} needs of a virtual clock. */
export interface DrivableClock {
  now(): number;
  /** Timers not yet run, each with its due time (ms). */
  readonly actions: readonly { delay: number; closed: boolean }[];
  advance(ms: number): Promise<void>;
}

/**
 * Settles `promise` whose waits (retries, Retry-After) run on `clock`: while it is pending, the
 * clock jumps to the next timer due within `virtualMs` of the start, and real time passes for the
 * I/O. A wait beyond `virtualMs`, or more than `realMs` of real time, is a hang.
 */
export async function driven<T>(
  clock: DrivableClock,
  promise: Promise<T>,
  limits: { realMs: number; virtualMs: number },
  what: string,
): Promise<Outcome> {
  let outcome: Outcome | undefined;
  void promise.then(
    (value) => (outcome = { ok: true, value, receivedAt: Date.now() }),
    (error: unknown) => (outcome = { ok: false, error }),
  );
  const started = Date.now();
  const virtualStart = clock.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    if (outcome !== undefined) return outcome;
    const due = clock.actions.find((action) => !action.closed)?.delay;
    if (due !== undefined && due - virtualStart <= limits.virtualMs)
      await clock.advance(Math.max(0, due - clock.now()));
    else if (Date.now() - started > limits.realMs) {
      const waiting = due === undefined ? 'no timer' : `a timer due in ${due - clock.now()} ms`;
      return { ok: false, hang: `${what} still pending after ${limits.realMs} ms (${waiting})` };
    }
  }
}
