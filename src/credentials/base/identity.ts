import { createHash } from 'node:crypto';
import { ignoresRequestTenants, type TenantPolicy } from './tenantId.js';

/**
 * A one-way fingerprint of secret material, for keys: two instances share tokens only when their
 * secrets are equal, and the key never reveals the secret.
 */
export function fingerprint(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest('base64url').slice(0, 22);
}

/**
 * The part of an identity that says which tenants a request may name. Instances of one identity
 * share one stream and the first one acquires for all, so two policies that resolve a request
 * tenant differently (a strict one refuses what a permissive one allows; one with multi-tenant
 * auth disabled keeps its own tenant) must never share. Equivalent policies give equal parts.
 */
export function tenantPolicyPart(policy: TenantPolicy): string {
  if (ignoresRequestTenants(policy)) return 'tenants:own';
  const allowed = policy.additionallyAllowedTenants;
  if (allowed.includes('*')) return 'tenants:*';
  // Compared as resolveTenant compares them: exactly.
  const others = [...new Set(allowed)].filter((t) => t !== policy.tenantId);
  return `tenants:${others.sort().join(',')}`;
}
