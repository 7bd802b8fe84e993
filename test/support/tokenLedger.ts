import type { IssuedToken } from './scriptedAuthority.js';

/**
 * The test's own account of which token may be handed out when, computed from what the authority
 * issued and the contract, never from the engine's functions:
 *
 *   window(token)      = min(forcedRefreshWindowMs, 10 % of its lifetime)
 *   lifetime           = expiresOnTimestamp − the instant the engine received it
 *   usable(token, t)  ⇔ receivedAt ≤ t < expiresOnTimestamp − window(token)
 */

export const CONTRACT_FORCED_REFRESH_WINDOW_MS = 30_000;
export const CONTRACT_WINDOW_LIFETIME_FRACTION = 0.1;

export function expectedForcedWindowMs(
  lifetimeMs: number,
  forcedRefreshWindowMs = CONTRACT_FORCED_REFRESH_WINDOW_MS,
): number {
  return Math.min(forcedRefreshWindowMs, lifetimeMs * CONTRACT_WINDOW_LIFETIME_FRACTION);
}

/** The first instant at which `token` may no longer be handed out. */
export function expectedUsableUntil(
  token: Pick<IssuedToken, 'issuedAt' | 'expiresOnTimestamp'>,
  forcedRefreshWindowMs = CONTRACT_FORCED_REFRESH_WINDOW_MS,
): number {
  const lifetime = token.expiresOnTimestamp - token.issuedAt;
  return token.expiresOnTimestamp - expectedForcedWindowMs(lifetime, forcedRefreshWindowMs);
}

export function usableAt(token: IssuedToken, t: number, forced?: number): boolean {
  return token.issuedAt <= t && t < expectedUsableUntil(token, forced);
}

/**
 * Every token issued, per key, in issuance order. With `retainPerKey`, only the last few tokens of
 * each key are kept (for soaks): queries then see only those.
 */
export class TokenLedger {
  private readonly byKey = new Map<string, IssuedToken[]>();
  private readonly byToken = new Map<string, IssuedToken>();

  constructor(
    private readonly forcedRefreshWindowMs = CONTRACT_FORCED_REFRESH_WINDOW_MS,
    private readonly retainPerKey = Infinity,
  ) {}

  add(token: IssuedToken): void {
    let list = this.byKey.get(token.key);
    if (list === undefined) this.byKey.set(token.key, (list = []));
    list.push(token);
    this.byToken.set(token.token, token);
    while (list.length > this.retainPerKey) this.byToken.delete(list.shift()!.token);
  }

  get(token: string): IssuedToken | undefined {
    return this.byToken.get(token);
  }

  tokens(key: string): readonly IssuedToken[] {
    return this.byKey.get(key) ?? [];
  }

  usableUntil(token: IssuedToken): number {
    return expectedUsableUntil(token, this.forcedRefreshWindowMs);
  }

  isUsable(token: IssuedToken, t: number): boolean {
    return usableAt(token, t, this.forcedRefreshWindowMs);
  }

  /**
   * The newest token of `key` received at or before `t` that is usable at `t`. With `issuedBefore`,
   * only tokens of serial ≤ it count: those issued before an action at the same instant.
   */
  usableAt(key: string, t: number, issuedBefore = Infinity): IssuedToken | undefined {
    const list = this.tokens(key);
    for (let i = list.length - 1; i >= 0; i--) {
      const token = list[i]!;
      if (token.serial <= issuedBefore && this.isUsable(token, t)) return token;
    }
    return undefined;
  }

  /** A token of `key` usable at some instant of [from, to], if any. */
  usableDuring(key: string, from: number, to: number): IssuedToken | undefined {
    return this.tokens(key).find((t) => t.issuedAt <= to && this.usableUntil(t) > from);
  }

  /** The tokens of `key` of serial in (after, upTo], in order. */
  issuedBetween(key: string, afterSerial: number, upToSerial: number): IssuedToken[] {
    return this.tokens(key).filter((t) => t.serial > afterSerial && t.serial <= upToSerial);
  }
}
