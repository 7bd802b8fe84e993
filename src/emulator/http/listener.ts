/**
 * Listening on 127.0.0.1 and closing down: shared by the emulator's HTTP and HTTPS servers.
 *
 * @packageDocumentation
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** The only address the emulator binds. */
export const LOOPBACK_HOST = '127.0.0.1';

/** A listening server and the sockets it has open. */
export interface Listener {
  server: Server;
  port: number;
  sockets: Set<Socket>;
}

/** Starts `server` on `127.0.0.1:<port>` (0: a free port), tracking its sockets. */
export async function listen(server: Server, port = 0): Promise<Listener> {
  const sockets = trackSockets(server);
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: LOOPBACK_HOST }, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
  return { server, port: bound, sockets };
}

/** Closes the server and destroys every open socket. */
export function closeListener({ server, sockets }: Listener): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
    sockets.forEach((socket) => socket.destroy());
  });
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  // A TLS server emits its TCP sockets on 'connection' too.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}
