import { HostHeaderPolicy, isLoopbackHost, isWildcardHost } from '../../src/service/hostPolicy.js';

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
