import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { Emulator } from '../../src/emulator/index.js';

/** Verifies a token against the emulator's JWKS at `nowMs` (the emulator's clock); returns its claims. */
export async function verifyToken(
  emulator: Pick<Emulator, 'jwks'>,
  token: unknown,
  nowMs: number,
): Promise<JWTPayload> {
  const jwks = createLocalJWKSet(emulator.jwks as Parameters<typeof createLocalJWKSet>[0]);
  const { payload } = await jwtVerify(String(token), jwks, { currentDate: new Date(nowMs) });
  return payload;
}
