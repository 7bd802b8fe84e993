import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  HostHeaderPolicy,
  isLoopbackHost,
  isWildcardHost,
  loopbackPeersOnly,
} from '../../src/service/hostPolicy.js';

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['[::1]', true],
    ['localhost', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.4', false],
    ['127.example.com', false],
    ['localhost.example.com', false],
  ])('%s: %s', (host, loopback) => expect(isLoopbackHost(host)).toBe(loopback));

  it('knows the wildcard addresses', () => {
    expect(['0.0.0.0', '::'].map(isWildcardHost)).toEqual([true, true]);
    expect(isWildcardHost('127.0.0.1')).toBe(false);
  });
});

describe('HostHeaderPolicy', () => {
  it('answers the listening address and localhost on its port, nothing else', () => {
    const policy = new HostHeaderPolicy('127.0.0.1', 42424, { defaultPort: 80 });
    expect(['127.0.0.1:42424', 'LOCALHOST:42424'].map((h) => policy.allows(h))).toEqual([
      true,
      true,
    ]);
    expect(
      [undefined, '127.0.0.1', '127.0.0.1:4242', 'evil.example:42424', 'evil.example'].map((h) =>
        policy.allows(h),
      ),
    ).toEqual([false, false, false, false, false]);
  });

  it('takes a Host without port on the default port', () => {
    expect(new HostHeaderPolicy('127.0.0.1', 80, { defaultPort: 80 }).allows('localhost')).toBe(
      true,
    );
  });

  it('names IPv6 loopback in brackets', () => {
    const policy = new HostHeaderPolicy('::1', 8080);
    expect(policy.allows('[::1]:8080')).toBe(true);
    expect(policy.allows('::1:8080')).toBe(false);
  });

  it('on a specific remote address, answers that address only', () => {
    const policy = new HostHeaderPolicy('10.1.2.3', 443, { defaultPort: 443 });
    expect(['10.1.2.3:443', '10.1.2.3'].map((h) => policy.allows(h))).toEqual([true, true]);
    expect(policy.allows('localhost:443')).toBe(false);
  });

  it('on a wildcard bind (remote, TLS), answers any Host', () => {
    expect(new HostHeaderPolicy('0.0.0.0', 443).allows('sidecar.internal:443')).toBe(true);
  });
});

describe('loopbackPeersOnly (the dashboard and /metrics on a remote bind)', () => {
  /** A request from `peer` and a response that records what was written. */
  function exchange(peer: string, localAddress = '10.9.9.9') {
    const written: { status?: number; body: string } = { body: '' };
    const socket = { remoteAddress: peer, localAddress };
    const request = { socket, headers: {} } as unknown as IncomingMessage;
    const response = {
      statusCode: 200,
      setHeader: () => undefined,
      writeHead(status: number) {
        written.status = status;
        return this;
      },
      end(body?: string) {
        written.body += body ?? '';
        return this;
      },
    } as unknown as ServerResponse;
    return { request, response, written };
  }
  let calls = 0;
  const inner = () => {
    calls += 1;
    return true;
  };
  const route = loopbackPeersOnly(inner, (path) => path === '/metrics');

  it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1'])(
    'serves a client on this machine (%s)',
    async (peer) => {
      calls = 0;
      const { request, response } = exchange(peer);
      expect(await route(request, response, new URL('http://h/metrics'))).toBe(true);
      expect(calls).toBe(1);
    },
  );

  it.each(['10.1.2.3', '::ffff:10.1.2.3', 'fd00::5'])(
    'serves a client on this machine that connected to its address %s (a specific --host)',
    async (address) => {
      calls = 0;
      const { request, response, written } = exchange(address, address);
      expect(await route(request, response, new URL('http://h/metrics'))).toBe(true);
      expect(written.status).toBeUndefined();
      expect(calls).toBe(1);
    },
  );

  it('refuses another machine with 403 on its paths, and leaves other paths alone', async () => {
    calls = 0;
    const remote = exchange('10.1.2.3');
    expect(await route(remote.request, remote.response, new URL('http://h/metrics'))).toBe(true);
    expect(remote.written.status).toBe(403);
    expect(remote.written.body).toContain('this machine only');
    const other = exchange('10.1.2.3');
    expect(await route(other.request, other.response, new URL('http://h/msi/token'))).toBe(false);
    expect(other.written.status).toBeUndefined();
    expect(calls).toBe(0);
  });
});
