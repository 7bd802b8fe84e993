/**
 * `reactive-identity token --scope S [--tenant T] [--output json|tsv]`: one access token for a
 * script, shaped as `az account get-access-token` prints it (`accessToken`, `expiresOn`,
 * `expires_on`, `tenant`, `tokenType`). Device code prompts and long waits go to stderr, the token
 * alone to stdout; a failure exits 1 with the error's class, code and message.
 */
import type { AccessToken } from '@azure/core-auth';
import type { Writable } from 'node:stream';
import type { Environment } from '../credentials/base/authorityHost.js';
import { codeOf } from '../errors.js';
import { stringClaim } from '../service/jwtClaims.js';
import { TokenManager } from '../streams/tokenManager.js';
import { azureTokenSource } from './credentialChoice.js';
import type { TokenConfig } from './tokenArgs.js';
import { messageOf } from './usage.js';
import { waitProgress } from './waitProgress.js';

/** Where `token` reads and writes. */
export interface TokenIo {
  out: Writable;
  err: Writable;
  env: Environment;
  /** Silence before progress is shown on `err`, ms. Default 2000 (`PROGRESS_DELAY_MS`). */
  progressDelayMs?: number;
}

/** Gets one token and prints it; resolves with the exit code. */
export async function runToken(config: TokenConfig, io: TokenIo): Promise<number> {
  const tokenManager = new TokenManager();
  const source = azureTokenSource(config.credential, {
    tokenManager,
    env: io.env,
    tenantId: config.tenantId,
    prompt: (message) => io.err.write(`${message}\n`),
  });
  const progress = waitProgress(io.err, `Waiting for ${source.description}`, io.progressDelayMs);
  try {
    const token = await source.credential.getToken(config.scope, { tenantId: config.tenantId });
    progress.done();
    io.out.write(render(token, config));
    return 0;
  } catch (error) {
    progress.done();
    const name = error instanceof Error ? error.name : 'Error';
    const code = codeOf(error);
    const message = messageOf(error);
    io.err.write(`reactive-identity token: ${name}${code ? ` (${code})` : ''}: ${message}\n`);
    return 1;
  } finally {
    await source.close();
    await tokenManager.close();
  }
}

/** The fields of `az account get-access-token`, in its order (no subscription: none is known). */
export function azFields(token: AccessToken, tenantId: string | undefined) {
  const seconds = Math.floor(token.expiresOnTimestamp / 1000);
  return {
    accessToken: token.token,
    expiresOn: localDateTime(new Date(seconds * 1000)),
    expires_on: seconds,
    tenant: tenantId ?? stringClaim(token.token, 'tid') ?? '',
    tokenType: token.tokenType ?? 'Bearer',
  };
}

function render(token: AccessToken, config: TokenConfig): string {
  const fields = azFields(token, config.tenantId);
  if (config.output === 'json') return `${JSON.stringify(fields, null, 2)}\n`;
  return `${Object.values(fields).join('\t')}\n`;
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` in local time, as the Azure CLI writes `expiresOn`. */
export function localDateTime(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.` +
    `${pad(date.getMilliseconds() * 1000, 6)}`
  );
}
