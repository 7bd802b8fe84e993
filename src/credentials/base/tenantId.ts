import { CredentialUnavailableError, InvalidArgumentError } from '../../errors.js';
import type { Environment } from './authorityHost.js';
import { isWellFormedTenantId } from './wellFormed.js';

/** Throws `InvalidArgumentError` unless `tenantId` is a well-formed tenant id or domain. */
export function checkTenantId(tenantId: string): string {
  if (!isWellFormedTenantId(tenantId)) {
    throw new InvalidArgumentError(
      `Invalid tenant id ${JSON.stringify(tenantId)}: a tenant id is a GUID or a domain name made of letters, digits, '-' and '.'. See https://learn.microsoft.com/partner-center/find-ids-and-domain-names`,
    );
  }
  return tenantId;
}

/** How a credential decides which tenant a request goes to. */
export interface TenantPolicy {
  /** The tenant the credential was configured with. */
  tenantId: string;
  /** Other tenants a request may name; `*` allows any. */
  additionallyAllowedTenants: readonly string[];
  env: Environment;
}

/**
 * The tenant for one request: the request's `tenantId` when the credential may use it, else the
 * configured one. A tenant that is not allowed gives `CredentialUnavailableError`, as in the anchor.
 */
export function resolveTenant(policy: TenantPolicy, requested: string | undefined): string {
  if (requested === undefined || requested === policy.tenantId) return policy.tenantId;
  checkTenantId(requested);
  if (ignoresRequestTenants(policy)) return policy.tenantId;
  const allowed = policy.additionallyAllowedTenants;
  if (allowed.includes('*') || allowed.includes(requested)) return requested;
  throw new CredentialUnavailableError(
    `The current credential is not configured to acquire tokens for tenant ${requested}. To enable acquiring tokens for this tenant add it to the additionallyAllowedTenants option, or add "*" to additionallyAllowedTenants to allow acquiring tokens for any tenant.`,
  );
}

/** Whether the policy always keeps its own tenant (ADFS, or multi-tenant auth disabled). */
export function ignoresRequestTenants(policy: TenantPolicy): boolean {
  return policy.tenantId === 'adfs' || isTruthy(policy.env.AZURE_IDENTITY_DISABLE_MULTITENANTAUTH);
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true'].includes(value.trim().toLowerCase());
}
