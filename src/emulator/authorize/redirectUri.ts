/**
 * Redirect URI matching: exact, except loopback URIs registered without a port (RFC 8252 §7.3).
 *
 * @packageDocumentation
 */

const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1'];

/**
 * Whether `requested` matches one of `registered`: the same string, or, for a registered
 * `http://localhost` / `http://127.0.0.1` without a port, the same host on any port (any path when
 * the registered one has none, else the same path and query).
 */
export function redirectUriMatches(registered: readonly string[], requested: string): boolean {
  return registered.some((uri) => uri === requested || loopbackMatches(uri, requested));
}

function loopbackMatches(registered: string, requested: string): boolean {
  const reg = parseUrl(registered);
  const req = parseUrl(requested);
  if (!reg || !req || reg.protocol !== 'http:' || req.protocol !== 'http:') return false;
  if (!LOOPBACK_HOSTS.includes(reg.hostname) || reg.port !== '') return false;
  if (req.hostname !== reg.hostname || req.username !== '' || req.password !== '') return false;
  if (reg.pathname === '/' && reg.search === '') return true;
  return reg.pathname === req.pathname && reg.search === req.search;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
