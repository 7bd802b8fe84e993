/** Small readings of a request for the service's events. */
import type { IncomingMessage } from 'node:http';

/** The client as `address:port` of its connection (`[::1]:port` for IPv6). */
export function clientOf(request: IncomingMessage): string {
  const { remoteAddress, remotePort } = request.socket;
  if (remoteAddress === undefined) return 'unknown';
  const address = remoteAddress.includes(':') ? `[${remoteAddress}]` : remoteAddress;
  return `${address}:${remotePort ?? 0}`;
}

/** Milliseconds since `started` (a `process.hrtime.bigint()` reading), on the monotonic clock. */
export function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}
