/**
 * The directory: registered apps and the tenants they live in.
 *
 * @packageDocumentation
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { EMULATOR_TENANT_ID } from './types.js';
import type { EmulatorApp } from './types.js';

/** Tenant aliases that Entra serves metadata for, but that identify no tenant. */
export const MULTI_TENANT_ALIASES: readonly string[] = ['common', 'organizations'];

/** Registered apps, keyed by tenant and client id (both case-insensitive). */
export class Directory {
  private readonly apps = new Map<string, EmulatorApp>();
  private readonly tenants = new Set<string>([EMULATOR_TENANT_ID]);

  /** Registers or replaces an app; its tenant becomes known. */
  register(app: EmulatorApp): void {
    const tenantId = app.tenantId ?? EMULATOR_TENANT_ID;
    this.tenants.add(tenantId.toLowerCase());
    this.apps.set(appKey(tenantId, app.clientId), { ...app, tenantId });
  }

  /** Whether `tenant` is the home tenant or the tenant of a registered app. */
  hasTenant(tenant: string): boolean {
    return this.tenants.has(tenant.toLowerCase());
  }

  /** The app registered in `tenant` under `clientId`. */
  findApp(tenant: string, clientId: string): EmulatorApp | undefined {
    return this.apps.get(appKey(tenant, clientId));
  }
}

/** Whether `tenant` is `common` or `organizations`. */
export function isMultiTenantAlias(tenant: string): boolean {
  return MULTI_TENANT_ALIASES.includes(tenant.toLowerCase());
}

/** Compares a presented secret with the app's in constant time; false when the app has none. */
export function secretMatches(app: EmulatorApp, presented: string | undefined): boolean {
  if (app.clientSecret === undefined || presented === undefined) return false;
  return timingSafeEqual(digest(app.clientSecret), digest(presented));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function appKey(tenant: string, clientId: string): string {
  return `${tenant.toLowerCase()}\n${clientId.toLowerCase()}`;
}
