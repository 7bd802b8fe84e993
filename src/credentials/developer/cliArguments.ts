import { InvalidArgumentError } from '../../errors.js';
import { checkTenantId } from '../base/tenantId.js';
import { isWellFormedScope } from '../base/wellFormed.js';

// Subscriptions may be names, so spaces are allowed; the argument never meets a shell.
const SUBSCRIPTION_PATTERN = /^[0-9a-zA-Z-._ ]+$/;

/** Throws `InvalidArgumentError` unless `scope` is safe to hand to a developer CLI. */
export function checkCliScope(scope: string): string {
  if (!isWellFormedScope(scope)) {
    throw new InvalidArgumentError(
      `Invalid scope ${JSON.stringify(scope)}: a developer CLI scope may only contain letters, digits and '-', '_', '.', ':', '/'.`,
    );
  }
  return scope;
}

/** Throws `InvalidArgumentError` unless `tenantId` is a tenant id or domain (see `checkTenantId`). */
export function checkCliTenant(tenantId: string | undefined): string | undefined {
  return tenantId === undefined ? undefined : checkTenantId(tenantId);
}

/** Throws `InvalidArgumentError` unless `subscription` is an id or a name of safe characters. */
export function checkSubscription(subscription: string): string {
  if (!SUBSCRIPTION_PATTERN.test(subscription)) {
    throw new InvalidArgumentError(
      `Invalid subscription ${JSON.stringify(subscription)}: a subscription id or name may only contain letters, digits, spaces and '-', '_', '.'.`,
    );
  }
  return subscription;
}

/**
 * The one resource of a request to a tool that takes a resource (az, Az PowerShell): the scope
 * without its `/.default`. Several scopes are refused: the engine sorts scopes, so picking "the
 * first" as the anchor does would be arbitrary.
 */
export function singleResource(kind: string, scopes: readonly string[]): string {
  if (scopes.length !== 1) {
    throw new InvalidArgumentError(
      `${kind} requests a token for exactly one scope; ${scopes.length} were given.`,
    );
  }
  return checkCliScope(scopes[0]!).replace(/\/\.default$/, '');
}

/** The claims challenge as the tools take it: base64 of the claims JSON (UTF-8). */
export function encodeClaims(claims: string): string {
  return Buffer.from(claims, 'utf8').toString('base64');
}

/** Whether a request carries a claims challenge worth acting on. */
export function hasClaims(claims: string | undefined): claims is string {
  return claims !== undefined && claims.trim() !== '';
}

/** Throws `InvalidArgumentError` unless the timeout is a positive number of ms. */
export function checkTimeout(timeoutMs: number): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new InvalidArgumentError(
      `processTimeoutInMs must be a positive number of milliseconds; ${String(timeoutMs)} was given.`,
    );
  }
  return timeoutMs;
}
