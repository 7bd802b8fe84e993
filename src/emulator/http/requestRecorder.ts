/**
 * Request counters and the bounded log of recent requests.
 *
 * @packageDocumentation
 */
import type { RecordedRequest, RequestCounters } from '../types.js';

const MAX_RECORDED = 1000;
const REDACTED = '<redacted>';
/** Fields that carry secrets, codes or tokens: redacted in the form and the query. */
const SECRET_FIELDS: readonly string[] = [
  'client_secret',
  'client_assertion',
  'password',
  'code',
  'code_verifier',
  'refresh_token',
  'assertion',
  'device_code',
];

/** Headers that carry managed identity secrets: redacted whole. */
const SECRET_HEADERS: readonly string[] = ['secret', 'x-identity-header'];

/** Counts requests per route and keeps the last 1000, secrets redacted. */
export class RequestRecorder implements RequestCounters {
  /** The log; the same array for the emulator's lifetime. */
  readonly requests: RecordedRequest[] = [];
  private readonly counts = new Map<string, number>();
  private all = 0;

  /** Counts `request` under its route (and `token:<grant>` for token requests) and logs it. */
  record(request: RecordedRequest): void {
    this.all += 1;
    this.increment(request.route);
    const grant = request.form['grant_type'];
    if (request.route === 'token' && grant) this.increment(`token:${grant}`);
    this.requests.push(redact(request));
    if (this.requests.length > MAX_RECORDED) {
      this.requests.splice(0, this.requests.length - MAX_RECORDED);
    }
  }

  get(route: string): number {
    return this.counts.get(route) ?? 0;
  }

  total(): number {
    return this.all;
  }

  reset(): void {
    this.counts.clear();
    this.all = 0;
  }

  private increment(name: string): void {
    this.counts.set(name, this.get(name) + 1);
  }
}

function redact(request: RecordedRequest): RecordedRequest {
  const headers = { ...request.headers };
  if (headers['authorization'])
    headers['authorization'] = redactAuthorization(headers['authorization']);
  for (const name of SECRET_HEADERS) if (name in headers) headers[name] = REDACTED;
  return {
    ...request,
    query: redactFields(request.query),
    form: redactFields(request.form),
    headers,
  };
}

function redactFields(fields: Record<string, string>): Record<string, string> {
  const copy = { ...fields };
  for (const field of SECRET_FIELDS) if (field in copy) copy[field] = REDACTED;
  return copy;
}

function redactAuthorization(value: string): string {
  const scheme = value.split(/\s+/)[0] ?? '';
  return `${scheme} ${REDACTED}`;
}
