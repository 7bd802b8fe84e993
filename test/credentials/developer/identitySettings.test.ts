/**
 * Instances with one identity share one stream and the first attached acquires for all of them:
 * developer CLI credentials that differ only in their tenant rule must not share, and identical
 * ones still run the tool once.
 */
import {
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePowerShellCredential,
  CredentialUnavailableError,
  VisualStudioCodeCredential,
  type DeveloperCliCredential,
  type DeveloperCliCredentialOptions,
} from '../../../src/index.js';
import type { FakeCall, FakeTool } from '../../support/fakeCli.js';
import { MANAGEMENT, OTHER_TENANT, TENANT, optionsOf, useHarness } from './cliHarness.js';

type Make = (options: DeveloperCliCredentialOptions) => DeveloperCliCredential;
const CREDENTIALS: [FakeTool, Make][] = [
  ['az', (o) => new AzureCliCredential(o)],
  ['azd', (o) => new AzureDeveloperCliCredential(o)],
  ['pwsh', (o) => new AzurePowerShellCredential(o)],
];

/** The tenant a run of the tool was asked for. */
function tenantOf(tool: FakeTool, call: FakeCall): string | undefined {
  if (tool === 'pwsh') return call.env.AZURE_IDENTITY_POWERSHELL_TENANT_ID;
  const flag = call.argv.findIndex((arg) => arg === '--tenant' || arg === '--tenant-id');
  return flag < 0 ? undefined : call.argv[flag + 1];
}

const harness = useHarness(['az', 'azd', 'pwsh']);

describe.each(CREDENTIALS)('%s instances that differ in their tenant rule', (tool, make) => {
  const credential = (extra: DeveloperCliCredentialOptions = {}) =>
    make(optionsOf(harness, { tenantId: TENANT, ...extra }));

  it('a permissive instance attached after a strict one gets the tenant it allows', async () => {
    const strict = credential();
    const permissive = credential({ additionallyAllowedTenants: [OTHER_TENANT] });
    await permissive.getToken(MANAGEMENT, { tenantId: OTHER_TENANT });
    expect(harness.cli.records(tool).map((call) => tenantOf(tool, call))).toEqual([OTHER_TENANT]);
    await expect(strict.getToken(MANAGEMENT, { tenantId: OTHER_TENANT })).rejects.toBeInstanceOf(
      CredentialUnavailableError,
    );
  });

  it('a strict instance attached after a permissive one refuses the tenant, running nothing', async () => {
    credential({ additionallyAllowedTenants: ['*'] });
    const strict = credential();
    await expect(strict.getToken(MANAGEMENT, { tenantId: OTHER_TENANT })).rejects.toBeInstanceOf(
      CredentialUnavailableError,
    );
    expect(harness.cli.records(tool)).toEqual([]);
  });

  it('an instance whose environment disables multi-tenant auth does not decide for another', async () => {
    const single = credential({
      additionallyAllowedTenants: ['*'],
      env: { ...harness.cli.env, AZURE_IDENTITY_DISABLE_MULTITENANTAUTH: 'true' },
    });
    const multi = credential({ additionallyAllowedTenants: ['*'] });
    await multi.getToken(MANAGEMENT, { tenantId: OTHER_TENANT });
    await single.getToken(MANAGEMENT, { tenantId: OTHER_TENANT });
    expect(harness.cli.records(tool).map((call) => tenantOf(tool, call))).toEqual([
      OTHER_TENANT,
      TENANT,
    ]);
  });

  it('identical instances still share one run of the tool', async () => {
    const allowed = { additionallyAllowedTenants: [OTHER_TENANT] };
    const [a, b] = [credential(allowed), credential(allowed)];
    const [ta, tb] = await Promise.all([
      a.getToken(MANAGEMENT, { tenantId: OTHER_TENANT }),
      b.getToken(MANAGEMENT, { tenantId: OTHER_TENANT }),
    ]);
    expect(tb.token).toBe(ta.token);
    expect(harness.cli.records(tool)).toHaveLength(1);
    expect(a.identityId).toBe(b.identityId);
  });
});

describe('VisualStudioCodeCredential instances that differ in their tenant rule', () => {
  it('a permissive instance attached after a strict one is refused for its own reason', async () => {
    const options = { tokenManager: harness.manager, tenantId: TENANT, env: {} };
    new VisualStudioCodeCredential(options);
    const permissive = new VisualStudioCodeCredential({
      ...options,
      additionallyAllowedTenants: [OTHER_TENANT],
    });
    const error = await permissive
      .getToken(MANAGEMENT, { tenantId: OTHER_TENANT })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialUnavailableError);
    // Unavailable because VS Code sign-in is, not because the other instance's tenant rule refused.
    expect((error as Error).message).not.toContain('additionallyAllowedTenants');
  });
});
