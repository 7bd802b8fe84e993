import type { ServerResponse } from 'node:http';

/** Headers of the `/events` stream: never cached, never sniffed, and no CORS header at all. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // Reverse proxies (nginx) would otherwise hold messages back.
  'X-Accel-Buffering': 'no',
};

/**
 * One browser's Server-Sent Events stream. What Node buffers for it is bounded: a client that
 * reads slower than the dashboard writes is disconnected once `maxBufferedBytes` are waiting (its
 * `EventSource` reconnects and starts over from a fresh state message), so a stalled page never
 * grows the service's memory.
 */
export class SseConnection {
  private ended = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly maxBufferedBytes: number,
    onEnd: (connection: SseConnection) => void,
  ) {
    response.writeHead(200, SSE_HEADERS);
    // Reconnect after 2 s when the stream ends; the first write also flushes the headers.
    response.write('retry: 2000\n\n');
    const ended = () => {
      if (this.ended) return;
      this.ended = true;
      onEnd(this);
    };
    response.once('close', ended);
    response.once('error', ended);
  }

  /** Whether the stream is still open. */
  get open(): boolean {
    return !this.ended && !this.response.destroyed;
  }

  /** Queues `chunk`; drops the connection instead when too much is already waiting. */
  send(chunk: string): void {
    if (!this.open) return;
    if (this.response.writableLength > this.maxBufferedBytes) {
      this.response.destroy();
      return;
    }
    this.response.write(chunk);
  }

  /** Ends the stream (the service is closing). */
  end(): void {
    if (!this.open) return;
    this.response.end();
    // A client that does not read would hold the socket open while its buffer drains.
    this.response.destroy();
  }
}
