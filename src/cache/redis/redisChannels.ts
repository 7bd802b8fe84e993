import type { Redis } from 'ioredis';
import type { RedisConnection } from './redisConnection.js';

/**
 * The pub/sub side of the layer, on its own connection: a key's waiters listen on the key's
 * (hashed) channel while they wait, and are woken when the holder writes its token or releases
 * the lock. Subscriptions are counted per channel and made again after a reconnect. When the
 * subscriber is down, listening still succeeds: the waiters' bounded poll covers for it.
 */
export class RedisChannels {
  private readonly listeners = new Map<
    string,
    { wakers: Set<() => void>; subscribed: Promise<void> }
  >();
  private wired: Redis | undefined;

  constructor(
    private readonly connection: RedisConnection,
    private readonly waitMs: number,
  ) {}

  /**
   * Calls `wake` on every message of `channel` until the returned function is called; resolves
   * once the subscription is confirmed (or could not be made).
   */
  async listen(channel: string, wake: () => void): Promise<() => void> {
    let entry = this.listeners.get(channel);
    if (entry === undefined) {
      entry = { wakers: new Set(), subscribed: this.subscribe(channel) };
      this.listeners.set(channel, entry);
    }
    entry.wakers.add(wake);
    await entry.subscribed;
    return () => this.forget(channel, wake);
  }

  /** The subscriber is (back) up: subscribe again to every channel someone listens on. */
  resubscribe(): void {
    const client = this.wire(this.connection.current());
    const channels = [...this.listeners.keys()];
    if (client !== undefined && channels.length > 0)
      client.subscribe(...channels).catch(() => undefined);
  }

  private async subscribe(channel: string): Promise<void> {
    const ready = this.connection.current() ?? (await this.connection.whenReady(this.waitMs));
    await this.wire(ready)
      ?.subscribe(channel)
      .catch(() => undefined);
  }

  private wire(client: Redis | undefined): Redis | undefined {
    if (client !== undefined && this.wired !== client) {
      this.wired = client;
      client.on('message', (channel: string) => {
        for (const wake of [...(this.listeners.get(channel)?.wakers ?? [])]) wake();
      });
    }
    return client;
  }

  private forget(channel: string, wake: () => void): void {
    const wakers = this.listeners.get(channel)?.wakers;
    if (wakers === undefined || !wakers.delete(wake) || wakers.size > 0) return;
    this.listeners.delete(channel);
    this.connection
      .current()
      ?.unsubscribe(channel)
      .catch(() => undefined);
  }
}
