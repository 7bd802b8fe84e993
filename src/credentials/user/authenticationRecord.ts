import type { AccountInfo } from '@azure/msal-node';
import { InvalidArgumentError } from '../../errors.js';

/**
 * Who signed in, without any secret: enough for a credential to find the account in MSAL's cache
 * and refresh silently. Serialisable, with the field names and version of `@azure/identity`.
 */
export interface AuthenticationRecord {
  authority: string;
  homeAccountId: string;
  clientId: string;
  tenantId: string;
  username: string;
  /**
   * The format, `"1.0"`: set on the records this package makes and on every serialised record
   * (optional, since `@azure/identity`'s record type does not declare it).
   */
  version?: '1.0';
}

/** Builds a record from MSAL's account. */
export function toAuthenticationRecord(
  account: AccountInfo,
  clientId: string,
  authorityHost: string,
): AuthenticationRecord {
  return {
    authority: `${authorityHost}/${account.tenantId}`,
    homeAccountId: account.homeAccountId,
    clientId,
    tenantId: account.tenantId,
    username: account.username,
    version: '1.0',
  };
}

/** Serialises a record to JSON, as `@azure/identity` does: its five fields and `"version": "1.0"`. */
export function serializeAuthenticationRecord(record: AuthenticationRecord): string {
  const { authority, homeAccountId, clientId, tenantId, username } = record;
  return JSON.stringify({ authority, homeAccountId, clientId, tenantId, username, version: '1.0' });
}

/** Reads a serialised record; refuses other versions and missing fields with `InvalidArgumentError`. */
export function deserializeAuthenticationRecord(serialized: string): AuthenticationRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(serialized);
  } catch (error) {
    throw new InvalidArgumentError('The authentication record is not valid JSON.', {
      cause: error,
    });
  }
  const record = parsed as Partial<AuthenticationRecord> | null;
  if (record?.version !== '1.0') {
    throw new InvalidArgumentError(
      `Unsupported AuthenticationRecord version: ${JSON.stringify(record?.version ?? null)}. Only version "1.0" is supported.`,
    );
  }
  for (const field of ['authority', 'homeAccountId', 'clientId', 'tenantId', 'username'] as const) {
    if (typeof record[field] !== 'string' || record[field] === '') {
      throw new InvalidArgumentError(`The authentication record has no "${field}".`);
    }
  }
  return record as AuthenticationRecord;
}
