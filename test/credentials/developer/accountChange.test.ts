import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AzureCliCredential,
  AzureDeveloperCliCredential,
  ChainedTokenCredential,
  DefaultAzureCredential,
  type TokenCredential,
} from '../../../src/index.js';
import { until } from '../../support/until.js';
import { MANAGEMENT, STORAGE, optionsOf, useHarness } from './cliHarness.js';

/**
 * A cached developer-tool token never outlives the login it came from: when the tool's account
 * files change (`az login` as someone else, `az logout`, `azd auth login`), the next getToken runs
 * the tool again; while they do not, the tool runs once per token.
 */
const harness = useHarness(['az', 'azd']);
let home: string;
const credentials: { close(): Promise<void> }[] = [];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'ri-account-'));
  harness.cli.scenario('az', 'success');
  harness.cli.scenario('azd', 'success');
});
afterEach(async () => {
  await Promise.all(credentials.splice(0).map((c) => c.close()));
  rmSync(home, { recursive: true, force: true });
});

/** Calls getToken until the tool has run `runs` times in all, within a bound (the watcher's event). */
async function tokenAfterChange(
  credential: TokenCredential,
  runs: () => number,
  expected: number,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (runs() < expected && Date.now() < deadline) {
    await credential.getToken(MANAGEMENT);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(runs()).toBe(expected);
}

/** An Azure CLI config folder signed in as alice; `login(user)` signs someone else in. */
function profileIn(dir: string) {
  mkdirSync(dir);
  const profile = join(dir, 'azureProfile.json');
  const login = (user: string) =>
    writeFileSync(
      profile,
      JSON.stringify({ subscriptions: [{ id: 'sub', user: { name: user } }] }),
    );
  login('alice@contoso.com');
  return { login, profile };
}

describe('AzureCliCredential and the CLI login', () => {
  function setup() {
    const configDir = join(home, 'azure');
    const { login, profile } = profileIn(configDir);
    const env = { ...harness.cli.env, AZURE_CONFIG_DIR: configDir };
    const credential = new AzureCliCredential(optionsOf(harness, { env }));
    credentials.push(credential);
    return { credential, login, profile, runs: () => harness.cli.calls('az').length };
  }

  it('runs az once while the login stays the same', async () => {
    const { credential, runs } = setup();
    await credential.getToken(MANAGEMENT);
    await credential.getToken(MANAGEMENT);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await credential.getToken(MANAGEMENT);
    expect(runs()).toBe(1);
  });

  it('runs az again after az login as someone else', async () => {
    const { credential, login, runs } = setup();
    await credential.getToken(MANAGEMENT);
    login('bob@fabrikam.com');
    await tokenAfterChange(credential, runs, 2);
  });

  it('runs az again after az logout', async () => {
    const { credential, profile, runs } = setup();
    await credential.getToken(MANAGEMENT);
    writeFileSync(profile, JSON.stringify({ subscriptions: [] }));
    await tokenAfterChange(credential, runs, 2);
  });

  it('keeps the new login cached: one more run, not one per call', async () => {
    const { credential, login, runs } = setup();
    await credential.getToken(MANAGEMENT);
    login('bob@fabrikam.com');
    await tokenAfterChange(credential, runs, 2);
    await credential.getToken(MANAGEMENT);
    await credential.getToken(MANAGEMENT);
    expect(runs()).toBe(2);
  });
});

describe('a call in flight when the login changes', () => {
  it('is answered on the new login, not failed', async () => {
    const configDir = join(home, 'azure');
    const { login } = profileIn(configDir);
    const env = { ...harness.cli.env, AZURE_CONFIG_DIR: configDir };
    const credential = new AzureCliCredential(optionsOf(harness, { env }));
    credentials.push(credential);
    const runs = () => harness.cli.calls('az').length;
    await credential.getToken(MANAGEMENT);
    // The next run of az takes a while: the login changes while it runs.
    harness.cli.scenario('az', 'success', { delayMs: 1_500 });
    const call = credential.getToken(STORAGE);
    await until(() => runs() === 2, 'the second run of az');
    login('bob@fabrikam.com');
    await expect(call).resolves.toMatchObject({ token: expect.any(String) });
    // Answered by a run under the new login.
    expect(runs()).toBe(3);
  });
});

describe('chains whose link is the Azure CLI', () => {
  it('DefaultAzureCredential drops its cached token with the login it came from', async () => {
    const configDir = join(home, 'azure');
    const { login } = profileIn(configDir);
    const env = {
      ...harness.cli.env,
      AZURE_CONFIG_DIR: configDir,
      AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential',
    };
    const credential = new DefaultAzureCredential(optionsOf(harness, { env }));
    credentials.push(credential);
    const runs = () => harness.cli.calls('az').length;
    await credential.getToken(MANAGEMENT);
    await credential.getToken(MANAGEMENT);
    expect(runs()).toBe(1);
    login('bob@fabrikam.com');
    await tokenAfterChange(credential, runs, 2);
  });

  it('ChainedTokenCredential does too', async () => {
    const configDir = join(home, 'azure');
    const { login } = profileIn(configDir);
    const env = { ...harness.cli.env, AZURE_CONFIG_DIR: configDir };
    const cli = new AzureCliCredential(optionsOf(harness, { env }));
    const credential = new ChainedTokenCredential({ tokenManager: harness.manager }, cli);
    credentials.push(credential, cli);
    const runs = () => harness.cli.calls('az').length;
    await credential.getToken(MANAGEMENT);
    await credential.getToken(MANAGEMENT);
    expect(runs()).toBe(1);
    login('bob@fabrikam.com');
    await tokenAfterChange(credential, runs, 2);
  });
});

describe('AzureDeveloperCliCredential and the azd login', () => {
  it('runs azd again after azd auth login as someone else', async () => {
    const configDir = join(home, 'azd');
    mkdirSync(configDir);
    const config = join(configDir, 'config.json');
    const login = (user: string) =>
      writeFileSync(
        config,
        JSON.stringify({ auth: { account: { currentUser: { homeAccountId: user } } } }),
      );
    login('alice');
    const env = { ...harness.cli.env, AZD_CONFIG_DIR: configDir };
    const credential = new AzureDeveloperCliCredential(optionsOf(harness, { env }));
    credentials.push(credential);
    const runs = () => harness.cli.calls('azd').length;
    await credential.getToken(MANAGEMENT);
    await credential.getToken(MANAGEMENT);
    expect(runs()).toBe(1);
    login('bob');
    await tokenAfterChange(credential, runs, 2);
  });
});
