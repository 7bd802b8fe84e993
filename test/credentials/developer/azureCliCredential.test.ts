import { AzureCliCredential, type AzureCliCredentialOptions } from '../../../src/index.js';
import { rejection } from '../../support/failures.js';
import { MANAGEMENT, OTHER_TENANT, STORAGE, TENANT, optionsOf, useHarness } from './cliHarness.js';

const harness = useHarness(['az']);
const credential = (extra: AzureCliCredentialOptions = {}) =>
  new AzureCliCredential(optionsOf(harness, extra));
const BASE = ['account', 'get-access-token', '--output', 'json', '--resource'];

/** A local date-time as az prints it, and the epoch ms it stands for on this machine. */
function localExpiry(hoursAhead: number): { text: string; ms: number } {
  const d = new Date(Date.now() + hoursAhead * 3_600_000);
  d.setMilliseconds(0);
  const pad = (n: number) => String(n).padStart(2, '0');
  const text = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.000000`;
  return { text, ms: d.getTime() };
}

describe('AzureCliCredential', () => {
  it('runs az account get-access-token for the scope without /.default', async () => {
    const token = await credential().getToken(MANAGEMENT);
    expect(harness.cli.calls('az')).toEqual([[...BASE, 'https://management.azure.com']]);
    expect(token.token).toMatch(/^eyJ/);
    expect(token.tokenType).toBe('Bearer');
  });

  it('keeps a scope that has no /.default as it is', async () => {
    await credential().getToken('https://graph.microsoft.com/User.Read');
    expect(harness.cli.calls('az')[0]).toEqual([...BASE, 'https://graph.microsoft.com/User.Read']);
  });

  it('adds --tenant and --subscription when configured', async () => {
    await credential({ tenantId: TENANT, subscription: 'My Sub_1.test-2' }).getToken(MANAGEMENT);
    expect(harness.cli.calls('az')[0]).toEqual([
      ...BASE,
      'https://management.azure.com',
      '--tenant',
      TENANT,
      '--subscription',
      'My Sub_1.test-2',
    ]);
  });

  it('keeps the tokens of different subscriptions apart', async () => {
    await credential({ subscription: 'one' }).getToken(MANAGEMENT);
    await credential({ subscription: 'two' }).getToken(MANAGEMENT);
    expect(harness.cli.calls('az')).toHaveLength(2);
  });

  it('sets AZURE_CORE_NO_COLOR for the CLI', async () => {
    await credential().getToken(MANAGEMENT);
    expect(harness.cli.records('az')[0]!.env.AZURE_CORE_NO_COLOR).toBe('true');
  });

  it.each([';', '&', '|', '$', '`', "'", '"', '\n', '/'])(
    'refuses a subscription holding %j at construction',
    (ch) => {
      expect(() => credential({ subscription: `sub${ch}x` })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    },
  );

  it('passes a request tenant through when no tenant is configured', async () => {
    await credential().getToken(MANAGEMENT, { tenantId: OTHER_TENANT });
    expect(harness.cli.calls('az')[0]!.slice(-2)).toEqual(['--tenant', OTHER_TENANT]);
  });

  it('refuses a request tenant that a configured tenant does not allow, before running az', async () => {
    const error = await rejection(
      credential({ tenantId: TENANT }).getToken(MANAGEMENT, { tenantId: OTHER_TENANT }),
    );
    expect(error.code).toBe('ERR_CREDENTIAL_UNAVAILABLE');
    expect(error.message).toContain('additionallyAllowedTenants');
    expect(harness.cli.calls('az')).toEqual([]);
  });

  it('uses a request tenant that additionallyAllowedTenants lists', async () => {
    const cred = credential({ tenantId: TENANT, additionallyAllowedTenants: [OTHER_TENANT] });
    await cred.getToken(MANAGEMENT, { tenantId: OTHER_TENANT });
    expect(harness.cli.calls('az')[0]!.slice(-2)).toEqual(['--tenant', OTHER_TENANT]);
  });

  it('keeps the configured tenant when AZURE_IDENTITY_DISABLE_MULTITENANTAUTH is set', async () => {
    const env = { ...harness.cli.env, AZURE_IDENTITY_DISABLE_MULTITENANTAUTH: 'true' };
    await credential({ tenantId: TENANT, env }).getToken(MANAGEMENT, { tenantId: OTHER_TENANT });
    expect(harness.cli.calls('az')[0]!.slice(-2)).toEqual(['--tenant', TENANT]);
  });

  it('refuses several scopes: az takes one resource', async () => {
    const error = await rejection(credential().getToken([MANAGEMENT, STORAGE]));
    expect(error.code).toBe('ERR_INVALID_ARGUMENT');
    expect(harness.cli.calls('az')).toEqual([]);
  });

  it('prefers expires_on (epoch seconds) to expiresOn', async () => {
    const local = localExpiry(5);
    harness.cli.scenario('az', 'success', {
      output: { expires_on: 2_000_000_000, expiresOn: local.text },
    });
    const token = await credential().getToken(MANAGEMENT);
    expect(token.expiresOnTimestamp).toBe(2_000_000_000_000);
  });

  it('accepts expires_on as a numeric string', async () => {
    harness.cli.scenario('az', 'success', { output: { expires_on: '2000000000' } });
    expect((await credential().getToken(MANAGEMENT)).expiresOnTimestamp).toBe(2_000_000_000_000);
  });

  it('reads expiresOn as local time when expires_on is missing (older CLIs)', async () => {
    const local = localExpiry(3);
    harness.cli.scenario('az', 'success', { output: { expires_on: null, expiresOn: local.text } });
    expect((await credential().getToken(MANAGEMENT)).expiresOnTimestamp).toBe(local.ms);
  });

  it('gives InvalidResponseError when no expiry can be read', async () => {
    harness.cli.scenario('az', 'success', { output: { expires_on: null, expiresOn: 'soon' } });
    const error = await rejection(credential().getToken(MANAGEMENT));
    expect(error.code).toBe('ERR_INVALID_RESPONSE');
    expect(error.message).toContain('expires_on');
  });

  it('gives InvalidResponseError when there is no accessToken', async () => {
    harness.cli.scenario('az', 'success', { output: { accessToken: null } });
    expect((await rejection(credential().getToken(MANAGEMENT))).code).toBe('ERR_INVALID_RESPONSE');
  });

  it('refuses a claims challenge, naming the az login command to run', async () => {
    const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
    const b64 = Buffer.from(claims).toString('base64');
    const error = await rejection(
      credential().getToken(MANAGEMENT, { claims, tenantId: OTHER_TENANT }),
    );
    expect(error.code).toBe('ERR_CREDENTIAL_UNAVAILABLE');
    expect(error.message).toContain(
      `az login --claims-challenge ${b64} --scope ${MANAGEMENT} --tenant ${OTHER_TENANT}`,
    );
    expect(harness.cli.calls('az')).toEqual([]);
  });

  const classified: [string, string, string][] = [
    [
      "'az' is not recognized as an internal or external command",
      'ERR_CREDENTIAL_UNAVAILABLE',
      'Azure CLI could not be found',
    ],
    ['/bin/sh: 1: az: not found', 'ERR_CREDENTIAL_UNAVAILABLE', 'Azure CLI could not be found'],
    [
      "ERROR: Please run 'az account set' to select a subscription.",
      'ERR_CREDENTIAL_UNAVAILABLE',
      "Please run 'az login'",
    ],
    [
      'ERROR: AADSTS50076: MFA required. Run az login to fix.',
      'ERR_AUTHENTICATION_FAILED',
      'AADSTS50076',
    ],
    [
      "ERROR: Run 'az login --scope https://management.azure.com/.default' to consent.",
      'ERR_AUTHENTICATION_FAILED',
      'az login --scope',
    ],
  ];
  it.each(classified)('classifies stderr %j as %s', async (stderr, code, message) => {
    harness.cli.scenario('az', 'raw', { stderr, exitCode: 1 });
    const error = await rejection(credential().getToken(MANAGEMENT));
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });

  it('treats exit code 127 as not installed', async () => {
    harness.cli.scenario('az', 'raw', { exitCode: 127 });
    const error = await rejection(credential().getToken(MANAGEMENT));
    expect(error.message).toContain('Azure CLI could not be found');
  });
});
