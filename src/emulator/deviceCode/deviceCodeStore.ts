/**
 * Device codes: issued by the device authorization endpoint, decided by a user (the device login
 * page, or the emulator's controls), redeemed by polling the token endpoint.
 *
 * @packageDocumentation
 */
import { randomInt } from 'node:crypto';
import { ExpiringStore } from '../state/expiringStore.js';
import type { DeviceCodeRecord, UserIdentity } from '../state/grantRecords.js';
import { randomId } from '../state/ids.js';
import type { PendingDeviceCode } from '../types.js';

/** Letters and digits that cannot be mistaken for one another. */
const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const USER_CODE_LENGTH = 9;

/** What a device code is issued for. */
export interface DeviceCodeRequest {
  clientId: string;
  tenant: string;
  scope: string;
  lifetimeSeconds: number;
  intervalSeconds: number;
}

/** Why a user code cannot be decided. */
export type UndecidableReason = 'unknown' | 'expired' | 'decided';

/** Device codes by device code, with an index by user code. */
export class DeviceCodeStore {
  private readonly byDevice: ExpiringStore<DeviceCodeRecord>;
  private readonly byUser = new Map<string, string>();

  constructor(private readonly now: () => number) {
    this.byDevice = new ExpiringStore(now);
  }

  /** Issues a new device code and user code. */
  issue(request: DeviceCodeRequest): DeviceCodeRecord {
    this.pruneIndex();
    const record: DeviceCodeRecord = {
      deviceCode: `DAQABIQEAAAB${randomId(96)}`,
      userCode: this.newUserCode(),
      clientId: request.clientId,
      tenant: request.tenant,
      scope: request.scope,
      interval: request.intervalSeconds,
      status: 'pending',
      expiresAt: this.now() + request.lifetimeSeconds * 1000,
    };
    this.byDevice.set(record.deviceCode, record);
    this.byUser.set(record.userCode, record.deviceCode);
    return record;
  }

  /** The record of a device code. */
  get(deviceCode: string): DeviceCodeRecord | undefined {
    return this.byDevice.get(deviceCode);
  }

  /** Forgets a redeemed device code. */
  remove(record: DeviceCodeRecord): void {
    this.byDevice.delete(record.deviceCode);
    this.byUser.delete(record.userCode);
  }

  /** The pending, unexpired record of a user code (case, spaces and dashes ignored). */
  pending(userCode: string): DeviceCodeRecord | UndecidableReason {
    const deviceCode = this.byUser.get(normalizeUserCode(userCode));
    const record = deviceCode === undefined ? undefined : this.byDevice.get(deviceCode);
    if (!record) return 'unknown';
    if (this.now() >= record.expiresAt) return 'expired';
    return record.status === 'pending' ? record : 'decided';
  }

  /** Approves a pending record for `user`. */
  approve(record: DeviceCodeRecord, user: UserIdentity): void {
    record.status = 'approved';
    record.user = user;
  }

  /** Declines a pending record. */
  deny(record: DeviceCodeRecord): void {
    record.status = 'denied';
  }

  /** The codes still waiting for a user, oldest first. */
  list(): PendingDeviceCode[] {
    const now = this.now();
    return this.byDevice
      .values()
      .filter((record) => record.status === 'pending' && now < record.expiresAt)
      .map(({ userCode, clientId, scope }) => ({
        userCode,
        clientId,
        scopes: scope.split(' ').filter((s) => s !== ''),
      }));
  }

  private newUserCode(): string {
    for (;;) {
      let code = '';
      for (let i = 0; i < USER_CODE_LENGTH; i += 1) {
        code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
      }
      if (!this.byUser.has(code)) return code;
    }
  }

  /** Drops index entries whose device code the store no longer holds. */
  private pruneIndex(): void {
    for (const [userCode, deviceCode] of this.byUser) {
      if (!this.byDevice.has(deviceCode)) this.byUser.delete(userCode);
    }
  }
}

/** A user code as typed: upper-cased, without spaces or dashes. */
export function normalizeUserCode(userCode: string): string {
  return userCode.toUpperCase().replace(/[\s-]/g, '');
}
