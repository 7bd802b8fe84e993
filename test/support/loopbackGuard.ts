/**
 * Loaded before every test file: refuses any socket to an address outside loopback, so no test
 * can send a packet to 169.254.169.254, an Azure host, or anywhere else by mistake.
 */
import dns from 'node:dns';
import net from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;

/** The error a test sees when code under test tries to leave the machine. */
export class OffLoopbackError extends Error {
  override readonly name = 'OffLoopbackError';
}

type Connect = typeof net.Socket.prototype.connect;
const original: Connect = net.Socket.prototype.connect;

function targetOf(args: unknown[]): { host?: string; path?: string } {
  const [first, second] = args;
  // net.connect() and tls.connect() pass their normalised arguments as one array.
  if (Array.isArray(first)) return targetOf(first);
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string | null; path?: string | null };
    // A non-empty `path` means a local (IPC) socket; http and tls pass `path: null` otherwise.
    if (typeof options.path === 'string' && options.path !== '') return { path: options.path };
    return { host: options.host ?? 'localhost' };
  }
  if (typeof first === 'number') return { host: typeof second === 'string' ? second : 'localhost' };
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  return { host: 'localhost' };
}

net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const { host } = targetOf(args);
  if (host !== undefined && !LOOPBACK.test(host)) {
    throw new OffLoopbackError(`Refused a connection to ${host}: tests may only reach 127.0.0.1.`);
  }
  return (original as (...a: unknown[]) => net.Socket).apply(this, args);
} as Connect;

// Name resolution is the other door out: refuse to resolve anything but localhost.
type Lookup = typeof dns.lookup;
const originalLookup: Lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname: string, ...rest: unknown[]) {
  if (!LOOPBACK.test(hostname)) {
    throw new OffLoopbackError(
      `Refused a connection to ${hostname}: tests may only reach 127.0.0.1.`,
    );
  }
  return (originalLookup as (...a: unknown[]) => void)(hostname, ...rest);
} as Lookup;
