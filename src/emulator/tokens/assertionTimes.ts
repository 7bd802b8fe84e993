/**
 * The validity window of a client assertion (`exp`, `nbf`), as Entra checks it.
 *
 * @packageDocumentation
 */
import type { JWTPayload } from 'jose';
import type { AadErrorSpec } from '../errors/aadErrors.js';
import { clientErrors } from '../errors/clientErrors.js';
import { entraTimestamp } from '../state/ids.js';

/** How far ahead of the clock an assertion's `nbf` may be. */
const NBF_LEEWAY_SECONDS = 300;

/**
 * `exp` present and in the future; `nbf`, if any, at most 5 minutes ahead of `nowMs`.
 * AADSTS700024 otherwise (AADSTS90014 without `exp`).
 */
export function checkAssertionTimes(nowMs: number, claims: JWTPayload): AadErrorSpec | undefined {
  const { exp, nbf } = claims;
  if (typeof exp !== 'number') return clientErrors.missingClaim('exp');
  const now = nowMs / 1000;
  const early = typeof nbf === 'number' && nbf > now + NBF_LEEWAY_SECONDS;
  if (exp > now && !early) return undefined;
  const from = typeof nbf === 'number' ? entraTimestamp(nbf * 1000) : 'not set';
  return clientErrors.outsideValidity(entraTimestamp(now * 1000), from, entraTimestamp(exp * 1000));
}
