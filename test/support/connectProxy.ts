import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

/** A forward proxy on 127.0.0.1 that tunnels CONNECT to loopback targets only, counting them. */
export interface ConnectProxy {
  url: string;
  port: number;
  /** `host:port` of each tunnel asked for, in order. */
  tunnels: string[];
  /** The `Proxy-Authorization` header of each CONNECT (or `undefined`). */
  authorizations: (string | undefined)[];
  stop(): Promise<void>;
}

/**
 * Starts the proxy. With `credentials` (`user:password`), a CONNECT without the matching Basic
 * `Proxy-Authorization` gets 407. Targets other than 127.0.0.1 get 403: nothing leaves the machine.
 */
export async function startConnectProxy(credentials?: string): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    tunnels.push(target);
    const auth = req.headers['proxy-authorization'];
    authorizations.push(auth);
    const expected =
      credentials === undefined
        ? undefined
        : `Basic ${Buffer.from(credentials).toString('base64')}`;
    if (expected !== undefined && auth !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = target.split(':');
    if (host !== '127.0.0.1') {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    tunnels,
    authorizations,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        sockets.forEach((socket) => socket.destroy());
      }),
  };
}
