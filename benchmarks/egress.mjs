// Egress guard shared by the benchmark child processes: every outbound socket of the process must
// end on loopback. Sockets whose DNS lookup or connect ends elsewhere are recorded in the returned
// list, which the child reports and run.mjs checks (a non-empty list fails the run).
import { subscribe } from 'node:diagnostics_channel';

export const isLoopback = (address) =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

/** Starts watching `net.client.socket`; returns the (live) list of non-loopback sockets. */
export function watchEgress() {
  const egress = [];
  subscribe('net.client.socket', ({ socket }) => {
    socket.once('lookup', (_err, address, _family, host) => {
      if (!isLoopback(address)) egress.push({ kind: 'lookup', host, address });
    });
    socket.once('connect', () => {
      if (!isLoopback(socket.remoteAddress)) {
        egress.push({ kind: 'connect', address: socket.remoteAddress, port: socket.remotePort });
      }
    });
  });
  return egress;
}
