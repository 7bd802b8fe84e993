/** The names `--credential` takes, read without loading any credential. */
import { UsageError } from './usage.js';

/** The names `--credential` takes; `emulator` is the embedded emulator (`serve` only). */
export const CREDENTIAL_NAMES = [
  'default',
  'managed-identity',
  'environment',
  'workload-identity',
  'azure-cli',
  'azure-developer-cli',
  'azure-powershell',
  'device-code',
  'emulator',
] as const;

export type CredentialName = (typeof CREDENTIAL_NAMES)[number];

/** Reads `--credential`; a name not in the list is a usage error. */
export function credentialName(value: string | undefined): CredentialName | undefined {
  if (value === undefined) return undefined;
  const name = CREDENTIAL_NAMES.find((n) => n === value.toLowerCase());
  if (name === undefined)
    throw new UsageError(
      `--credential must be one of ${CREDENTIAL_NAMES.join(', ')}; got "${value}".`,
    );
  return name;
}
