import { createHash, createHmac, hkdfSync } from 'node:crypto';

/** The Redis names of one engine key: none of them says anything about the key in clear. */
export interface RedisNames {
  /** Where the (encrypted) token is stored, with `PX` = its remaining lifetime. */
  token: string;
  /** The key's acquisition lock (`SET NX PX`, value = a random owner). */
  lock: string;
  /** The pub/sub channel that tells waiters a token was written or the lock released. */
  channel: string;
  /** Authenticated with the encrypted value, so a value copied to another key fails to decrypt. */
  aad: string;
}

const HKDF_SALT = 'reactive-identity/redis';
const HKDF_INFO = 'key names';

/**
 * Derives the Redis names of engine keys with a one-way function: HMAC-SHA-256 under a key derived
 * (HKDF) from the cache's encryption key, or, for unencrypted caches, SHA-256 of the cache name and
 * the key. The engine key holds the tenant, the client id, the scopes and a fingerprint of the
 * secret; only its digest reaches Redis. The digest sits in a hash tag (`{…}`), so a key's token,
 * lock and channel live on one slot of a Redis Cluster.
 *
 * @example
 * ```ts
 * const names = new RedisKeyNames('app:', 'app', key).of(streamKeyId);
 * names.token; // 'app:{Vb3…}:token'
 * ```
 */
export class RedisKeyNames {
  private readonly macKey: Buffer | undefined;

  constructor(
    private readonly prefix: string,
    private readonly name: string,
    encryptionKey: Buffer | undefined,
  ) {
    this.macKey =
      encryptionKey === undefined
        ? undefined
        : Buffer.from(hkdfSync('sha256', encryptionKey, HKDF_SALT, HKDF_INFO, 32));
  }

  of(key: string): RedisNames {
    const input = `${this.name}\0${key}`;
    const digest = (
      this.macKey === undefined
        ? createHash('sha256').update(input)
        : createHmac('sha256', this.macKey).update(input)
    ).digest('base64url');
    const base = `${this.prefix}{${digest}}`;
    return {
      token: `${base}:token`,
      lock: `${base}:lock`,
      channel: `${base}:events`,
      aad: `${this.name}\0${digest}`,
    };
  }
}
