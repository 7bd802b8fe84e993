import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AzurePowerShellCredential,
  type DeveloperCliCredentialOptions,
} from '../../../src/index.js';
import { removeFake } from '../../support/fakeCli.js';
import { rejection } from '../../support/failures.js';
import {
  JWT,
  MANAGEMENT,
  OTHER_TENANT,
  STORAGE,
  TENANT,
  optionsOf,
  useHarness,
} from './cliHarness.js';

const harness = useHarness(['pwsh']);
const credential = (extra: DeveloperCliCredentialOptions = {}) =>
  new AzurePowerShellCredential(optionsOf(harness, extra));

describe('AzurePowerShellCredential', () => {
  it('runs pwsh -NoProfile -NonInteractive -Command with the script', async () => {
    const token = await credential().getToken(MANAGEMENT);
    const [argv] = harness.cli.calls('pwsh');
    expect(argv!.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-Command']);
    expect(argv).toHaveLength(4);
    expect(argv![3]).toContain('Import-Module Az.Accounts -MinimumVersion 2.2.0');
    expect(argv![3]).toContain('Get-AzAccessToken');
    expect(token.token).toMatch(/^eyJ/);
  });

  it('passes the resource and tenant in environment variables, never in the script', async () => {
    await credential({ tenantId: TENANT }).getToken(MANAGEMENT);
    const [call] = harness.cli.records('pwsh');
    const script = call!.argv[3]!;
    expect(script).not.toContain('management.azure.com');
    expect(script).not.toContain(TENANT);
    expect(script).toContain('$env:AZURE_IDENTITY_POWERSHELL_RESOURCE');
    expect(call!.env).toMatchObject({
      AZURE_IDENTITY_POWERSHELL_RESOURCE: 'https://management.azure.com',
      AZURE_IDENTITY_POWERSHELL_TENANT_ID: TENANT,
    });
  });

  it('runs the same script for every request', async () => {
    await credential().getToken(MANAGEMENT);
    await credential().getToken(STORAGE, { tenantId: OTHER_TENANT });
    const [first, second] = harness.cli.records('pwsh');
    expect(second!.argv).toEqual(first!.argv);
    expect(second!.env.AZURE_IDENTITY_POWERSHELL_TENANT_ID).toBe(OTHER_TENANT);
  });

  it('removes an inherited tenant variable when the request has no tenant', async () => {
    const env = { ...harness.cli.env, AZURE_IDENTITY_POWERSHELL_TENANT_ID: 'stale.example' };
    await credential({ env }).getToken(MANAGEMENT);
    expect(harness.cli.records('pwsh')[0]!.env.AZURE_IDENTITY_POWERSHELL_TENANT_ID).toBeUndefined();
  });

  it('falls back to powershell when pwsh is not on PATH', async () => {
    copyFileSync(join(harness.cli.dir, 'pwsh'), join(harness.cli.dir, 'powershell'));
    removeFake(harness.cli, 'pwsh');
    await credential().getToken(MANAGEMENT);
    expect(harness.cli.calls('pwsh')).toHaveLength(1);
  });

  it('takes the last JSON object with a Token and warns about the rest, redacted', async () => {
    harness.cli.scenario('pwsh', 'success', {
      preamble: [
        'WARNING: Upcoming breaking changes in the cmdlet Get-AzAccessToken',
        '{"Token":"CANARY-older","ExpiresOn":1}',
        '{ "Note": "not a token" }',
      ],
      output: { ExpiresOn: 2_000_000_000 },
    });
    const token = await credential().getToken(MANAGEMENT);
    expect(token.token).toMatch(JWT);
    expect(token.expiresOnTimestamp).toBe(2_000_000_000_000);
    const warnings = harness.logs.filter((line) => line.startsWith('warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Upcoming breaking changes');
    expect(warnings.join('\n')).not.toContain('CANARY');
  });

  it('gives InvalidResponseError when no object has a Token', async () => {
    harness.cli.scenario('pwsh', 'raw', { stdout: '{"ExpiresOn":2000000000}\n' });
    expect((await rejection(credential().getToken(MANAGEMENT))).code).toBe('ERR_INVALID_RESPONSE');
  });

  it('is unavailable, with how to install it, when Az.Accounts is missing', async () => {
    harness.cli.scenario('pwsh', 'no-module');
    const error = await rejection(credential().getToken(MANAGEMENT));
    expect(error.code).toBe('ERR_CREDENTIAL_UNAVAILABLE');
    expect(error.message).toContain('Install-Module -Name Az');
  });

  it("knows the script's own NO_AZ_ACCOUNT_MODULE marker", async () => {
    harness.cli.scenario('pwsh', 'raw', { stdout: 'NO_AZ_ACCOUNT_MODULE\n', exitCode: 1 });
    const error = await rejection(credential().getToken(MANAGEMENT));
    expect(error.message).toContain("'Az.Account' module >= 2.2.0 is not installed");
  });

  it('refuses a claims challenge, naming Connect-AzAccount -ClaimsChallenge', async () => {
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    const error = await rejection(credential().getToken(MANAGEMENT, { claims }));
    expect(error.code).toBe('ERR_CREDENTIAL_UNAVAILABLE');
    expect(error.message).toContain(
      `Connect-AzAccount -ClaimsChallenge ${Buffer.from(claims).toString('base64')}`,
    );
    expect(harness.cli.calls('pwsh')).toEqual([]);
  });

  it('refuses several scopes: Get-AzAccessToken takes one resource', async () => {
    const error = await rejection(credential().getToken([MANAGEMENT, STORAGE]));
    expect(error.code).toBe('ERR_INVALID_ARGUMENT');
  });
});
