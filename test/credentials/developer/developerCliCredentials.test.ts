/**
 * Rules every developer CLI credential shares: input refused before anything runs, each failure
 * mapped to its typed error without secrets, the timeout, and the engine's caching.
 */
import { realpathSync } from 'node:fs';
import {
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePowerShellCredential,
  DEFAULT_CLI_PROCESS_TIMEOUT_MS,
  type DeveloperCliCredential,
  type DeveloperCliCredentialOptions,
} from '../../../src/index.js';
import {
  FAKE_SECRET_MARKER,
  removeFake,
  type FakeScenario,
  type FakeTool,
} from '../../support/fakeCli.js';
import { rejection } from '../../support/failures.js';
import {
  JWT,
  MANAGEMENT,
  STORAGE,
  optionsOf,
  textOf,
  useHarness,
  type Harness,
} from './cliHarness.js';

type Make = (options: DeveloperCliCredentialOptions) => DeveloperCliCredential;
const CREDENTIALS: [FakeTool, string, Make][] = [
  ['az', 'AzureCliCredential', (o) => new AzureCliCredential(o)],
  ['azd', 'AzureDeveloperCliCredential', (o) => new AzureDeveloperCliCredential(o)],
  ['pwsh', 'AzurePowerShellCredential', (o) => new AzurePowerShellCredential(o)],
];
const METACHARACTERS = [';', '&', '|', '$', '`', "'", '"', '\n'];

const harness: Harness = useHarness(['az', 'azd', 'pwsh']);

function noLeak(error: unknown): void {
  const text = textOf(error);
  expect(text).not.toContain(FAKE_SECRET_MARKER);
  expect(text).not.toMatch(JWT);
  for (const line of harness.logs) {
    expect(line).not.toContain(FAKE_SECRET_MARKER);
    expect(line).not.toMatch(JWT);
  }
}

describe.each(CREDENTIALS)('%s as a developer CLI credential', (tool, kind, make) => {
  const credential = (extra: DeveloperCliCredentialOptions = {}) => make(optionsOf(harness, extra));

  it.each(METACHARACTERS)('refuses a scope holding %j before anything runs', async (ch) => {
    const error = await rejection(
      credential().getToken(`https://management.azure.com/x${ch}touch/.default`),
    );
    expect(error.code).toBe('ERR_INVALID_ARGUMENT');
    expect(harness.cli.calls(tool)).toEqual([]);
  });

  it.each(METACHARACTERS)(
    "refuses a request's tenant holding %j before anything runs",
    async (ch) => {
      const error = await rejection(credential().getToken(MANAGEMENT, { tenantId: `t${ch}x` }));
      expect(error.code).toBe('ERR_INVALID_ARGUMENT');
      expect(harness.cli.calls(tool)).toEqual([]);
    },
  );

  it.each(METACHARACTERS)('refuses a configured tenant holding %j at construction', (ch) => {
    expect(() => credential({ tenantId: `t${ch}x` })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(harness.cli.calls(tool)).toEqual([]);
  });

  it('refuses a timeout that is not a positive number', () => {
    expect(() => credential({ processTimeoutInMs: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });

  it('spawns the tool once for two getToken calls of the same scope', async () => {
    const cred = credential();
    const first = await cred.getToken(MANAGEMENT);
    const second = await cred.getToken(MANAGEMENT);
    expect(second).toEqual(first);
    expect(harness.cli.calls(tool)).toHaveLength(1);
  });

  it('shares tokens between instances of the same configuration', async () => {
    await credential().getToken(STORAGE);
    await credential().getToken(STORAGE);
    expect(harness.cli.calls(tool)).toHaveLength(1);
  });

  it('runs from /bin', async () => {
    await credential().getToken(MANAGEMENT);
    expect(harness.cli.records(tool)[0]!.cwd).toBe(realpathSync('/bin'));
  });

  const scenarios: [FakeScenario, string, RegExp][] = [
    ['not-logged-in', 'ERR_CREDENTIAL_UNAVAILABLE', /az login|azd auth login|Connect-AzAccount/],
    ['not-installed', 'ERR_CREDENTIAL_UNAVAILABLE', /could(n't| not) be found|Unable to execute/],
    ['garbage', 'ERR_INVALID_RESPONSE', /printed/],
    ['failure', 'ERR_AUTHENTICATION_FAILED', /cli_error/],
  ];
  it.each(scenarios)('maps %s to %s with a helpful message', async (name, code, message) => {
    harness.cli.scenario(tool, name);
    const error = await rejection(credential().getToken(MANAGEMENT));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    noLeak(error);
  });

  it('says which login command to run when not logged in', async () => {
    harness.cli.scenario(tool, 'not-logged-in');
    const error = await rejection(credential().getToken(MANAGEMENT));
    expect(error.message).toMatch(/^Please run '(az login|azd auth login|Connect-AzAccount)' from/);
  });

  it('keeps the CLI output of other failures, with the token-like parts removed', async () => {
    harness.cli.scenario(tool, 'failure');
    const error = await rejection(credential().getToken(MANAGEMENT));
    expect(error).toMatchObject({ name: 'AuthenticationError', statusCode: 400 });
    expect(error.message).toContain(kind);
    expect(error.message).toContain('****');
    expect(error.message).toContain('[REDACTED]');
  });

  it('is unavailable when the tool vanished after it was found', async () => {
    const cred = credential();
    removeFake(harness.cli, tool);
    const error = await rejection(cred.getToken(MANAGEMENT));
    expect(error.code).toBe('ERR_CREDENTIAL_UNAVAILABLE');
  });

  it('stops a tool that runs past processTimeoutInMs', async () => {
    harness.cli.scenario(tool, 'timeout');
    const error = await rejection(credential({ processTimeoutInMs: 200 }).getToken(MANAGEMENT));
    expect(error.code).toBe('ERR_CREDENTIAL_UNAVAILABLE');
    expect(error.message).toContain('timed out after 200 ms');
  });

  it('is not kept waiting by a grandchild that holds the output open', async () => {
    harness.cli.scenario(tool, 'timeout', { grandchild: true });
    const error = await rejection(credential({ processTimeoutInMs: 200 }).getToken(MANAGEMENT));
    expect(error.message).toContain('timed out after 200 ms');
  }, 10_000);
});

describe('DEFAULT_CLI_PROCESS_TIMEOUT_MS', () => {
  it('is 10 seconds, as Python', () => {
    expect(DEFAULT_CLI_PROCESS_TIMEOUT_MS).toBe(10_000);
  });
});
