import dns from 'node:dns';
import net from 'node:net';
import { request } from 'node:https';

describe('loopback guard', () => {
  it('refuses a socket to the IMDS address before any packet is sent', () => {
    expect(() => net.connect({ host: '169.254.169.254', port: 80 })).toThrow(
      /only reach 127\.0\.0\.1/,
    );
  });

  it('refuses an HTTPS request to an Azure host', async () => {
    // The guard throws where the socket is made: inside request() or on the request's error event.
    const error = await new Promise<Error>((resolve) => {
      try {
        const req = request('https://login.microsoftonline.com/common/discovery/instance');
        req.on('error', resolve);
        req.end();
      } catch (thrown) {
        resolve(thrown as Error);
      }
    });
    expect(error.message).toMatch(/Refused a connection to login\.microsoftonline\.com/);
  });

  it('refuses to resolve a host name other than localhost', () => {
    expect(() => dns.lookup('management.azure.com', () => undefined)).toThrow(
      /only reach 127\.0\.0\.1/,
    );
  });

  it('lets loopback through', async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve, reject) =>
      net
        .connect({ host: '127.0.0.1', port })
        .on('close', () => resolve())
        .on('error', reject),
    );
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
