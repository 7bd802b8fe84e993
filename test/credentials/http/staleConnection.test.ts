import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import { NetworkError } from '../../../src/index.js';
import { httpRequest } from '../../../src/credentials/http/httpRequest.js';

/**
 * A server that answers the first request of each connection and drops the connection (with
 * data unread, so the client sees a reset) when a second request arrives on it: what a client
 * meets when it reuses a pooled connection that the server closed at that very moment.
 */
let server: Server;
let url: string;
let connections = 0;
let answered = 0;
const open = new Set<Socket>();

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket as Socket & { served?: number };
    socket.served = (socket.served ?? 0) + 1;
    if (socket.served > 1) {
      socket.resetAndDestroy();
      return;
    }
    answered += 1;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterAll(async () => {
  open.forEach((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('httpRequest on a pooled connection the server has closed', () => {
  it('sends the request again on a new connection, without a failure', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const [c0, a0] = [connections, answered];
      const first = await httpRequest({
        method: 'POST',
        url,
        body: 'a=1',
        timeoutMs: 5_000,
        agent,
      });
      const second = await httpRequest({
        method: 'POST',
        url,
        body: 'a=2',
        timeoutMs: 5_000,
        agent,
      });
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(answered - a0).toBe(2);
      expect(connections - c0).toBe(2); // the second request went again, on a fresh connection
    } finally {
      agent.destroy();
    }
  });

  it('fails as a transient NetworkError when a fresh connection is reset too', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const reset = createServer((req) => (req.socket as Socket).resetAndDestroy());
    await new Promise<void>((resolve) => reset.listen(0, '127.0.0.1', resolve));
    try {
      const port = (reset.address() as { port: number }).port;
      const error = await httpRequest({
        method: 'GET',
        url: `http://127.0.0.1:${port}/`,
        timeoutMs: 5_000,
        agent,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as NetworkError).transient).toBe(true);
      expect((error as Error).message).toContain('ECONNRESET');
    } finally {
      agent.destroy();
      reset.closeAllConnections();
      await new Promise<void>((resolve) => reset.close(() => resolve()));
    }
  });
});
