import {
  AzureDeveloperCliCredential,
  type DeveloperCliCredentialOptions,
} from '../../../src/index.js';
import { rejection } from '../../support/failures.js';
import { MANAGEMENT, OTHER_TENANT, STORAGE, TENANT, optionsOf, useHarness } from './cliHarness.js';

const harness = useHarness(['azd']);
const credential = (extra: DeveloperCliCredentialOptions = {}) =>
  new AzureDeveloperCliCredential(optionsOf(harness, extra));
const BASE = ['auth', 'token', '--output', 'json', '--no-prompt'];

describe('AzureDeveloperCliCredential', () => {
  it('runs azd auth token with the scope as it is', async () => {
    const token = await credential().getToken(MANAGEMENT);
    expect(harness.cli.calls('azd')).toEqual([[...BASE, '--scope', MANAGEMENT]]);
    expect(token.token).toMatch(/^eyJ/);
  });

  it('passes several scopes, one --scope each', async () => {
    await credential().getToken([STORAGE, MANAGEMENT]);
    expect(harness.cli.calls('azd')[0]).toEqual([
      ...BASE,
      '--scope',
      MANAGEMENT,
      '--scope',
      STORAGE,
    ]);
  });

  it('adds --tenant-id for the configured tenant', async () => {
    await credential({ tenantId: TENANT }).getToken(MANAGEMENT);
    expect(harness.cli.calls('azd')[0]).toEqual([
      ...BASE,
      '--scope',
      MANAGEMENT,
      '--tenant-id',
      TENANT,
    ]);
  });

  it('passes a request tenant through when no tenant is configured', async () => {
    await credential().getToken(MANAGEMENT, { tenantId: OTHER_TENANT });
    expect(harness.cli.calls('azd')[0]!.slice(-2)).toEqual(['--tenant-id', OTHER_TENANT]);
  });

  it('passes a claims challenge as --claims with the base64 of the claims JSON', async () => {
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    await credential().getToken(MANAGEMENT, { claims });
    expect(harness.cli.calls('azd')[0]).toEqual([
      ...BASE,
      '--scope',
      MANAGEMENT,
      '--claims',
      Buffer.from(claims).toString('base64'),
    ]);
  });

  it('sets NO_COLOR for the CLI', async () => {
    await credential().getToken(MANAGEMENT);
    expect(harness.cli.records('azd')[0]!.env.NO_COLOR).toBe('true');
  });

  it('reads expiresOn as UTC, whatever the local time zone', async () => {
    harness.cli.scenario('azd', 'success', { output: { expiresOn: '2033-05-18T03:33:20Z' } });
    const token = await credential().getToken(MANAGEMENT);
    expect(token.expiresOnTimestamp).toBe(Date.UTC(2033, 4, 18, 3, 33, 20));
  });

  it('applies an explicit offset in expiresOn', async () => {
    harness.cli.scenario('azd', 'success', {
      output: { expiresOn: '2033-05-18T05:33:20.5+02:00' },
    });
    const token = await credential().getToken(MANAGEMENT);
    expect(token.expiresOnTimestamp).toBe(Date.UTC(2033, 4, 18, 3, 33, 20, 500));
  });

  it('gives InvalidResponseError for an expiresOn it cannot read', async () => {
    harness.cli.scenario('azd', 'success', { output: { expiresOn: 'tomorrow' } });
    expect((await rejection(credential().getToken(MANAGEMENT))).code).toBe('ERR_INVALID_RESPONSE');
  });

  it('knows the older `azd login` hint as not logged in', async () => {
    harness.cli.scenario('azd', 'raw', {
      stderr: 'ERROR: not logged in, run `azd login` to login\n',
      exitCode: 1,
    });
    const error = await rejection(credential().getToken(MANAGEMENT));
    expect(error.code).toBe('ERR_CREDENTIAL_UNAVAILABLE');
    expect(error.message).toContain("Please run 'azd auth login'");
  });

  it('advises azd auth login with the scopes when multi-factor authentication is needed', async () => {
    harness.cli.scenario('azd', 'raw', {
      stderr: 'ERROR: AADSTS50076: you must use multi-factor authentication to access this\n',
      exitCode: 1,
    });
    const error = await rejection(credential().getToken([MANAGEMENT, STORAGE]));
    expect(error.code).toBe('ERR_CREDENTIAL_UNAVAILABLE');
    expect(error.message).toContain(`azd auth login --scope ${MANAGEMENT} --scope ${STORAGE}`);
  });

  it.each([
    [
      'consoleMessage (before 1.23.7)',
      '{"type":"consoleMessage","data":{"message":"quota exceeded"}}',
    ],
    ['flat (1.24 and later)', '{"error":"x","message":"quota exceeded","suggestion":"try later"}'],
  ])('shows the message of azd JSON errors, %s', async (_format, line) => {
    harness.cli.scenario('azd', 'raw', { stderr: `${line}\n`, exitCode: 1 });
    const error = await rejection(credential().getToken(MANAGEMENT));
    expect(error.code).toBe('ERR_AUTHENTICATION_FAILED');
    expect(error.message).toContain('quota exceeded');
    expect(error.message).not.toContain('{"');
  });

  it('classifies "\'azd\' is not recognized" as not installed', async () => {
    harness.cli.scenario('azd', 'raw', {
      stderr: "'azd' is not recognized as an internal or external command",
      exitCode: 1,
    });
    const error = await rejection(credential().getToken(MANAGEMENT));
    expect(error.message).toContain("Azure Developer CLI couldn't be found");
  });
});
