/**
 * What the emulator remembers between requests: codes, refresh tokens, device codes.
 *
 * @packageDocumentation
 */
import type { Expiring } from './expiringStore.js';

/** The user a token is issued for. */
export interface UserIdentity {
  objectId: string;
  /** The UPN: `upn`, `unique_name`, `preferred_username`. */
  username: string;
  displayName: string;
  /** The user's home tenant (`utid` of client_info). */
  homeTenantId: string;
}

/** An authorization code, single-use, bound to everything the authorize request said. */
export interface AuthorizationCodeRecord extends Expiring {
  clientId: string;
  redirectUri: string;
  /** The S256 `code_challenge`, when one was sent. */
  challenge?: string;
  /** The requested scopes, as sent. */
  scope: string;
  user: UserIdentity;
  /** The tenant of the tokens (`tid`). */
  tenantId: string;
  nonce?: string;
  redeemed: boolean;
}

/** A refresh token: which client may redeem it, for whom, in which tenant. */
export interface RefreshTokenRecord extends Expiring {
  clientId: string;
  user: UserIdentity;
  tenantId: string;
  /** The scopes it was issued with, as sent. */
  scope: string;
  /** Issue time, ms. */
  issuedAt: number;
}

/** Where a device code stands. */
export type DeviceCodeStatus = 'pending' | 'approved' | 'denied';

/** A device code and its user code. */
export interface DeviceCodeRecord extends Expiring {
  deviceCode: string;
  userCode: string;
  clientId: string;
  /** The tenant segment of the device code request (may be `common`). */
  tenant: string;
  /** The requested scopes, as sent. */
  scope: string;
  /** The polling interval, seconds. */
  interval: number;
  status: DeviceCodeStatus;
  /** Who approved it. */
  user?: UserIdentity;
  /** The last poll, ms. */
  lastPollAt?: number;
}
