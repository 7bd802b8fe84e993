/** The command line of `reactive-identity token`, read without loading any credential. */
import { parseArgs } from 'node:util';
import { isWellFormedScope, isWellFormedTenantId } from '../credentials/base/wellFormed.js';
import { toScope } from '../service/tokenRequest.js';
import { credentialName, type CredentialName } from './credentialNames.js';
import { messageOf, UsageError } from './usage.js';

/** What `token` was asked for. */
export interface TokenConfig {
  scope: string;
  tenantId?: string;
  credential: Exclude<CredentialName, 'emulator'>;
  output: 'json' | 'tsv';
}

/** Reads `token`'s arguments. */
export function parseTokenArgs(args: string[]): TokenConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        scope: { type: 'string' },
        resource: { type: 'string' },
        tenant: { type: 'string' },
        credential: { type: 'string' },
        output: { type: 'string', short: 'o' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  if ((values.scope === undefined) === (values.resource === undefined))
    throw new UsageError('token needs one of --scope <scope> or --resource <resource>.');
  const scope = values.scope ?? toScope(values.resource!);
  if (!isWellFormedScope(scope))
    throw new UsageError(`--scope must be a URI of characters [0-9A-Za-z-_.:/], got "${scope}".`);
  if (values.tenant !== undefined && !isWellFormedTenantId(values.tenant))
    throw new UsageError(`--tenant must be a tenant id or domain, got "${values.tenant}".`);
  const output = values.output ?? 'json';
  if (output !== 'json' && output !== 'tsv')
    throw new UsageError(`--output must be json or tsv, got "${output}".`);
  const credential = credentialName(values.credential) ?? 'default';
  if (credential === 'emulator')
    throw new UsageError('--credential emulator is for serve; token needs a real credential.');
  return { scope, tenantId: values.tenant, credential, output };
}
