import { createServer } from 'node:net';

/**
 * Finds a TCP port that is free on `host` by binding port 0, reading the port the OS assigned and
 * closing the listener again. Another process may grab the port before the caller binds it, so
 * use this only for test servers where that race is acceptable.
 *
 * @param host - Interface to probe; loopback by default.
 * @returns A port number that was free a moment ago.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
  });
  if (address === null || typeof address === 'string') {
    throw new Error(`Unexpected listener address: ${String(address)}`);
  }
  return address.port;
}
