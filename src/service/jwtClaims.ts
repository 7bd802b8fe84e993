/**
 * The claims of a JWT access token, read without verifying it (the sidecar only reports who a
 * token is for: `appid`/`azp`, `tid`); undefined for opaque tokens. Never logged.
 */
export function readJwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A string claim of a JWT access token. */
export function stringClaim(token: string, ...names: string[]): string | undefined {
  const claims = readJwtClaims(token);
  for (const name of names) {
    const value = claims?.[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}
