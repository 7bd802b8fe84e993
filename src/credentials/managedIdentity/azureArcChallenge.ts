import { readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { CredentialUnavailableError, InvalidResponseError } from '../../errors.js';
import type { MiResponse } from './miHttp.js';

/** The largest key file Azure Arc writes; anything bigger is refused. */
export const ARC_KEY_MAX_BYTES = 4096;

/** Where the Arc agent writes its challenge keys on this platform. */
export function defaultArcKeyDirectory(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (platform === 'linux') return '/var/opt/azcmagent/tokens';
  if (platform === 'win32')
    return join(env.ProgramData ?? 'C:\\ProgramData', 'AzureConnectedMachineAgent', 'Tokens');
  return undefined;
}

/**
 * Reads the secret of Azure Arc's challenge: the 401's `WWW-Authenticate: Basic realm=<path>`
 * names a key file, accepted only in the agent's directory, with the `.key` extension and at most
 * 4096 bytes (anything else could make us send the content of an arbitrary file).
 */
export async function readArcChallenge(
  response: MiResponse,
  keyDirectory: string | undefined,
): Promise<string> {
  const header = response.headers['www-authenticate'] ?? '';
  const match = /^Basic realm=(.+)$/i.exec(header.trim());
  if (match === null) {
    throw new InvalidResponseError(
      'Azure Arc answered 401 without a "WWW-Authenticate: Basic realm=<path>" challenge.',
    );
  }
  if (keyDirectory === undefined) {
    throw new CredentialUnavailableError(
      `Azure Arc managed identity is not supported on ${process.platform}.`,
    );
  }
  const path = resolve(match[1]!.trim());
  const expected = join(resolve(keyDirectory), basename(path));
  if (path !== expected)
    throw new InvalidResponseError(
      `Azure Arc's challenge names a file outside ${keyDirectory}; refused.`,
    );
  if (extname(path) !== '.key')
    throw new InvalidResponseError(
      "Azure Arc's challenge names a file without the .key extension; refused.",
    );
  const info = await stat(path).catch((error: unknown) => {
    throw new CredentialUnavailableError(`Azure Arc's key file ${path} cannot be read.`, {
      cause: error,
    });
  });
  if (!info.isFile() || info.size > ARC_KEY_MAX_BYTES) {
    throw new InvalidResponseError(
      `Azure Arc's key file ${path} is larger than ${ARC_KEY_MAX_BYTES} bytes or not a file; refused.`,
    );
  }
  return (await readFile(path, 'utf8')).trim();
}
