import type { AccessToken } from '@azure/core-auth';
import { from, of, type Observable } from 'rxjs';
import { isPromiseLike } from '../../cache/cacheLayer.js';
import { InvalidResponseError } from '../../errors.js';
import {
  isAcceptable,
  MIN_LIFETIME_ON_ARRIVAL_MS,
  type TokenRecord,
} from '../policy/refreshPolicy.js';

/** Helpers of the engine's token records: conversions and small utilities. */

/** A value now or later, as an observable: synchronous values stay synchronous. */
export function fromMaybe<T>(value: T | Promise<T>): Observable<T> {
  return isPromiseLike(value) ? from(value) : of(value);
}

/** The engine's record of a token the credential returned at `now`. */
export function toRecord(token: AccessToken, now: number): TokenRecord {
  return {
    token: token.token,
    expiresOnTimestamp: token.expiresOnTimestamp,
    refreshAfterTimestamp: token.refreshAfterTimestamp,
    tokenType: token.tokenType,
    obtainedAt: now,
  };
}

/**
 * The record of a token just received, unless it is already unusable: expired, expiring within
 * `MIN_LIFETIME_ON_ARRIVAL_MS`, or with an expiry that is not a number (`InvalidResponseError`).
 */
export function acceptedRecord(token: AccessToken, now: number, keyLabel: string): TokenRecord {
  const record = toRecord(token, now);
  if (isAcceptable(record, now)) return record;
  const expiry = Number.isFinite(record.expiresOnTimestamp)
    ? new Date(record.expiresOnTimestamp).toISOString()
    : String(record.expiresOnTimestamp);
  throw new InvalidResponseError(
    `The token received for ${keyLabel} expires at ${expiry}, less than ${MIN_LIFETIME_ON_ARRIVAL_MS} ms after it arrived: it is already unusable.`,
  );
}

/** The caller's view of a record: what `@azure/core-auth` defines, nothing more. */
export function toAccessToken(record: TokenRecord): AccessToken {
  const token: AccessToken = {
    token: record.token,
    expiresOnTimestamp: record.expiresOnTimestamp,
    tokenType: record.tokenType ?? 'Bearer',
  };
  if (record.refreshAfterTimestamp !== undefined)
    token.refreshAfterTimestamp = record.refreshAfterTimestamp;
  return token;
}

/** Runs an optional async release at most once. */
export function once(release: (() => Promise<void>) | undefined): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= release?.() ?? Promise.resolve());
}
