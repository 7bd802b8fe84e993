/**
 * The directory: registered apps and users, and the tenants they live in.
 *
 * @packageDocumentation
 */
import { X509Certificate, createHash, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { certificateThumbprints } from '../certificates.js';
import { EMULATOR_TENANT_ID } from '../types.js';
import type { EmulatorApp, EmulatorUser, RegisteredUser } from '../types.js';
import { stableGuid } from './ids.js';

/** Tenant aliases that Entra serves metadata for, but that identify no tenant. */
export const MULTI_TENANT_ALIASES: readonly string[] = ['common', 'organizations'];

/** A certificate of an app, parsed for client assertion verification. */
export interface ClientKey {
  /** base64url SHA-1 of the DER. */
  x5t: string;
  /** base64url SHA-256 of the DER. */
  x5tS256: string;
  /** The certificate, DER (to compare with an `x5c` header). */
  der: Buffer;
  publicKey: KeyObject;
}

/** An app as the directory holds it: tenant resolved, certificates parsed. */
export interface RegisteredApp extends EmulatorApp {
  tenantId: string;
  keys: ClientKey[];
}

/** Registered apps and users, keyed by tenant and client id or username (case-insensitive). */
export class Directory {
  private readonly apps = new Map<string, RegisteredApp>();
  private readonly users = new Map<string, RegisteredUser>();
  private readonly tenants = new Set<string>([EMULATOR_TENANT_ID]);

  /** Registers or replaces an app; its tenant becomes known. Throws for a malformed certificate. */
  register(app: EmulatorApp): void {
    const tenantId = app.tenantId ?? EMULATOR_TENANT_ID;
    const keys = (app.certificates ?? []).map(parseClientKey);
    this.tenants.add(tenantId.toLowerCase());
    this.apps.set(entryKey(tenantId, app.clientId), { ...app, tenantId, keys });
  }

  /** Registers or replaces a user; its tenant becomes known. */
  registerUser(user: EmulatorUser): RegisteredUser {
    const registered: RegisteredUser = {
      username: user.username,
      password: user.password,
      objectId: user.objectId ?? stableGuid(`user:${user.username.toLowerCase()}`),
      displayName: user.displayName ?? user.username.split('@')[0] ?? user.username,
      tenantId: user.tenantId ?? EMULATOR_TENANT_ID,
      requiresMfa: user.requiresMfa === true,
    };
    this.tenants.add(registered.tenantId.toLowerCase());
    this.users.set(entryKey(registered.tenantId, user.username), registered);
    return { ...registered };
  }

  /** Whether `tenant` is the home tenant or the tenant of a registered app or user. */
  hasTenant(tenant: string): boolean {
    return this.tenants.has(tenant.toLowerCase());
  }

  /** The app registered in `tenant` under `clientId`; for `common`/`organizations`, in any. */
  findApp(tenant: string, clientId: string): RegisteredApp | undefined {
    return lookup(this.apps, tenant, clientId);
  }

  /** The user `username` of `tenant`; for `common`/`organizations`, of any tenant. */
  findUser(tenant: string, username: string): RegisteredUser | undefined {
    return lookup(this.users, tenant, username);
  }

  /** The app an API resource (`api://<clientId>` or `<clientId>`) names, in any tenant. */
  findApi(resource: string): RegisteredApp | undefined {
    const clientId = resource.replace(/^api:\/\//i, '').toLowerCase();
    return [...this.apps.values()].find((app) => app.clientId.toLowerCase() === clientId);
  }
}

/** Whether `tenant` is `common` or `organizations`. */
export function isMultiTenantAlias(tenant: string): boolean {
  return MULTI_TENANT_ALIASES.includes(tenant.toLowerCase());
}

/** Compares a presented secret with the app's in constant time; false when the app has none. */
export function secretMatches(app: EmulatorApp, presented: string | undefined): boolean {
  return constantTimeEquals(app.clientSecret, presented);
}

/** Compares a presented password with the user's in constant time. */
export function passwordMatches(user: RegisteredUser, presented: string | undefined): boolean {
  return constantTimeEquals(user.password, presented);
}

/** Compares two secrets in constant time (of their SHA-256); false when either is absent. */
export function constantTimeEquals(
  expected: string | undefined,
  presented: string | undefined,
): boolean {
  if (expected === undefined || presented === undefined) return false;
  return timingSafeEqual(digest(expected), digest(presented));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function parseClientKey(pem: string): ClientKey {
  const cert = new X509Certificate(pem);
  const { x5t, x5tS256 } = certificateThumbprints(pem);
  return { x5t, x5tS256, der: cert.raw, publicKey: cert.publicKey };
}

function lookup<T>(entries: Map<string, T>, tenant: string, name: string): T | undefined {
  if (!isMultiTenantAlias(tenant)) return entries.get(entryKey(tenant, name));
  const suffix = `\n${name.toLowerCase()}`;
  for (const [key, value] of entries) if (key.endsWith(suffix)) return value;
  return undefined;
}

function entryKey(tenant: string, name: string): string {
  return `${tenant.toLowerCase()}\n${name.toLowerCase()}`;
}
