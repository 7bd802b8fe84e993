import type { Redis, RedisOptions } from 'ioredis';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { ResolvedRedisOptions } from './redisOptions.js';

/** What a managed connection tells its owner. */
export interface ConnectionHandlers {
  /** The connection is ready for commands (first time or after a reconnect). */
  onReady(): void;
  /** The connection was lost or could not be made; it will be retried. */
  onDown(reason: string): void;
}

/** Reconnection backoff: from this, doubling, up to the ceiling, with jitter in [d/2, d]. */
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/**
 * One ioredis client kept connected: connected on first use, commands fail fast while it is down
 * (no offline queue, `commandTimeout`), and reconnected with backoff on the engine's scheduler.
 * Its socket and timers never keep Node alive on their own: a caller waiting for a token does.
 * ioredis is loaded with the first connection, so a process without Redis never loads it.
 */
export class RedisConnection {
  private client: Redis | undefined;
  private starting: Promise<Redis> | undefined;
  private attempts = 0;
  private reconnect: Subscription | undefined;
  private readonly readyWaiters = new Set<() => void>();
  private closed = false;
  private lastError = 'not connected yet';

  constructor(
    private readonly options: ResolvedRedisOptions,
    private readonly scheduler: SchedulerLike,
    private readonly random: () => number,
    private readonly handlers: ConnectionHandlers,
  ) {}

  /** Whether commands can be sent now. */
  get ready(): boolean {
    return this.client?.status === 'ready';
  }

  /** The client when it is ready, else undefined; starts connecting if nothing did yet. */
  current(): Redis | undefined {
    if (this.client === undefined) void this.start().catch(() => undefined);
    return this.ready ? this.client : undefined;
  }

  /**
   * Resolves to the client once it is ready, or undefined when the attempt fails, after `waitMs`,
   * or at once when closed. Used for the first connection, so that a process's first lookup does
   * not miss by a hair.
   */
  async whenReady(waitMs: number): Promise<Redis | undefined> {
    if (this.closed) return undefined;
    const client = await this.start().catch(() => undefined);
    if (client === undefined || this.ready) return this.ready ? client : undefined;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.readyWaiters.delete(done);
        timeout.unsubscribe();
        resolve();
      };
      const timeout = this.scheduler.schedule(done, waitMs);
      this.readyWaiters.add(done);
    });
    return this.ready ? client : undefined;
  }

  /** Why the connection is down, for degraded events (no URL, no credentials). */
  get reason(): string {
    return this.lastError;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reconnect?.unsubscribe();
    for (const wake of [...this.readyWaiters]) wake();
    const client = this.client ?? (await this.starting?.catch(() => undefined));
    if (client === undefined) return;
    client.removeAllListeners('end');
    // Ending a TLS socket mid-handshake can draw an alert from the server after the socket has
    // already failed (an untrusted certificate, say): a second 'error' on that socket, and ioredis
    // listens for one only. Unheard, it would crash the process; the socket is being let go.
    client.stream?.on('error', () => undefined);
    await client.quit().catch(() => client.disconnect());
  }

  private start(): Promise<Redis> {
    this.starting ??= this.create();
    return this.starting;
  }

  private async create(): Promise<Redis> {
    const { Redis: RedisClient } = await import('ioredis');
    const client = new RedisClient(this.options.url, this.clientOptions());
    this.client = client;
    client.on('error', (error: unknown) => {
      this.lastError = describe(error);
    });
    // A fresh socket on every (re)connect: unref it, so that an idle connection never holds Node.
    client.on('connect', () => client.stream?.unref?.());
    client.on('ready', () => {
      this.attempts = 0;
      for (const wake of [...this.readyWaiters]) wake();
      this.handlers.onReady();
    });
    client.on('end', () => this.lost());
    if (!this.closed) client.connect().catch(() => undefined);
    return client;
  }

  private clientOptions(): RedisOptions {
    const { timeoutMs, tls } = this.options;
    return {
      lazyConnect: true,
      enableOfflineQueue: false,
      commandTimeout: timeoutMs,
      connectTimeout: Math.max(timeoutMs, 1_000),
      // Reconnection is ours (on unref'd timers); ioredis's own would hold the process.
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
      autoResendUnfulfilledCommands: false,
      // After a failover the old primary answers writes with READONLY: reconnect (DNS names the
      // new primary), rather than treat it as a failure of every write.
      reconnectOnError: (error) => error.message.startsWith('READONLY'),
      disableClientInfo: true,
      ...(tls === undefined ? {} : { tls }),
    };
  }

  private lost(): void {
    if (this.closed) return;
    // A first use waiting for the connection learns at once that it failed.
    for (const wake of [...this.readyWaiters]) wake();
    this.handlers.onDown(this.lastError);
    const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempts++);
    const delay = ceiling / 2 + (ceiling / 2) * this.random();
    this.reconnect?.unsubscribe();
    this.reconnect = this.scheduler.schedule(() => {
      if (!this.closed) this.client?.connect().catch(() => undefined);
    }, delay);
  }
}

/** A secret-free description of a connection error: its code or class, and its message. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
