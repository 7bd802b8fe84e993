import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import {
  AggregateAuthenticationError,
  AuthenticationError,
  DefaultAzureCredential,
  type DefaultAzureCredentialClientIdOptions,
} from '../../../src/index.js';
import {
  EMULATOR_SYSTEM_ASSIGNED_IDENTITY,
  startEmulator,
  type Emulator,
} from '../../../src/emulator/index.js';
import { startConnectProxy } from '../../support/connectProxy.js';
import { createFakeCli, type FakeCli } from '../../support/fakeCli.js';
import { TokenManagers } from '../../support/tokenManagers.js';

const SECRET_APP = 'dacdac00-0000-4000-8000-0000000000da';
const SECRET = 'dac-secret~canary';
const WORKLOAD_APP = 'dacdac01-0000-4000-8000-0000000000db';
const SUBJECT = 'system:serviceaccount:default:dac';
const VAULT = 'https://vault.azure.net/.default';

let em: Emulator;
let cli: FakeCli;
let dir: string;
let probePort: number;
let probes = 0;
let probeServer: Server;
const managers = new TokenManagers();

beforeAll(async () => {
  em = await startEmulator({ apps: [{ clientId: SECRET_APP, clientSecret: SECRET }] });
  em.registerApp({
    clientId: WORKLOAD_APP,
    federatedCredentials: [{ issuer: em.issuers.kubernetes, subject: SUBJECT }],
  });
  cli = createFakeCli(['az', 'azd', 'pwsh']);
  dir = mkdtempSync(join(tmpdir(), 'ri-dac-'));
  // Where managed identity is looked for on the "laptop": every connection is counted and dropped.
  probeServer = createServer((socket) => {
    probes++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => probeServer.listen(0, '127.0.0.1', resolve));
  probePort = (probeServer.address() as { port: number }).port;
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
  cli.cleanup();
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => probeServer.close(() => resolve()));
});
beforeEach(() => {
  for (const tool of ['az', 'azd', 'pwsh'] as const) cli.scenario(tool, 'success');
});

/**
 * A laptop: fake tools on PATH, and IMDS pointed at a loopback port that drops every connection
 * (not pod identity's host, which is never probed).
 */
const laptop = (): Record<string, string> => ({
  ...cli.env,
  REACTIVE_IDENTITY_IMDS_HOST: `http://127.0.0.1:${probePort}`,
});

function dac(
  env: Record<string, string | undefined>,
  options: DefaultAzureCredentialClientIdOptions = {},
) {
  const tokenManager = managers.create();
  return new DefaultAzureCredential({
    authorityHost: em.url,
    tlsOptions: { ca: em.ca },
    tokenManager,
    env,
    ...options,
  });
}

describe('DefaultAzureCredential links', () => {
  it('uses the Azure CLI on a laptop with nothing else configured, after a bounded managed identity probe', async () => {
    const azBefore = cli.calls('az').length;
    const credential = dac(laptop());
    const token = await credential.getToken(VAULT);
    expect(token.token).toMatch(/./);
    expect(credential.selectedCredential).toBe('AzureCliCredential');
    expect(cli.calls('az').length - azBefore).toBe(1);
  });

  it("publishes each link's decision on the engine's events$ (what the dashboard shows)", async () => {
    const tokenManager = managers.create();
    const decisions: string[] = [];
    const subscription = tokenManager.events$.subscribe((event) => {
      if (event.type === 'chain-decision') decisions.push(`${event.link}:${event.decision}`);
    });
    const credential = dac(laptop(), { tokenManager });
    await credential.getToken(VAULT);
    subscription.unsubscribe();
    expect(decisions).toEqual([
      'EnvironmentCredential:tried',
      'EnvironmentCredential:unavailable',
      'WorkloadIdentityCredential:tried',
      'WorkloadIdentityCredential:unavailable',
      'ManagedIdentityCredential:tried',
      'ManagedIdentityCredential:unavailable',
      'VisualStudioCodeCredential:tried',
      'VisualStudioCodeCredential:unavailable',
      'AzureCliCredential:tried',
      'AzureCliCredential:served',
    ]);
  });

  it('uses environment variables first', async () => {
    const credential = dac({
      ...laptop(),
      AZURE_TENANT_ID: em.tenantId,
      AZURE_CLIENT_ID: SECRET_APP,
      AZURE_CLIENT_SECRET: SECRET,
    });
    expect(decodeJwt((await credential.getToken(VAULT)).token)).toMatchObject({
      appid: SECRET_APP,
    });
    expect(credential.selectedCredential).toBe('EnvironmentCredential');
  });

  it('uses workload identity when its three variables are set', async () => {
    const file = join(dir, 'token');
    writeFileSync(
      file,
      await em.issueFederatedToken({ issuer: em.issuers.kubernetes, subject: SUBJECT }),
    );
    const credential = dac({
      ...laptop(),
      AZURE_TENANT_ID: em.tenantId,
      AZURE_CLIENT_ID: WORKLOAD_APP,
      AZURE_FEDERATED_TOKEN_FILE: file,
    });
    expect(decodeJwt((await credential.getToken(VAULT)).token)).toMatchObject({
      appid: WORKLOAD_APP,
    });
    expect(credential.selectedCredential).toBe('WorkloadIdentityCredential');
  });

  it('uses managed identity through the emulator when IMDS answers', async () => {
    const credential = dac({ ...cli.env, ...em.managedIdentity.env('imds') });
    expect(decodeJwt((await credential.getToken(VAULT)).token)).toMatchObject({
      oid: EMULATOR_SYSTEM_ASSIGNED_IDENTITY.objectId,
    });
    expect(credential.selectedCredential).toBe('ManagedIdentityCredential');
  });

  it('goes to the link that answered first on later acquisitions: no probe, no earlier link', async () => {
    const credential = dac(laptop());
    const [azBefore, probesBefore] = [cli.calls('az').length, probes];
    await credential.getToken(VAULT);
    expect(probes - probesBefore).toBe(1);
    const pwshBefore = cli.calls('pwsh').length;
    await credential.getToken('https://storage.azure.com/.default');
    expect(cli.calls('az').length - azBefore).toBe(2);
    expect(cli.calls('pwsh')).toHaveLength(pwshBefore);
    expect(probes - probesBefore).toBe(1);
  });

  it('walks the whole chain again when the remembered link fails', async () => {
    const credential = dac(laptop());
    await credential.getToken(VAULT);
    cli.scenario('az', 'not-logged-in');
    await credential.getToken('https://storage.azure.com/.default');
    expect(credential.selectedCredential).toBe('AzurePowerShellCredential');
  });

  it('lists every link in the aggregate error with a pointer to troubleshooting when nothing works', async () => {
    for (const tool of ['az', 'azd', 'pwsh'] as const) cli.scenario(tool, 'not-logged-in');
    const error = (await dac(laptop())
      .getToken(VAULT)
      .catch((e: unknown) => e)) as AggregateAuthenticationError;
    expect(error).toBeInstanceOf(AggregateAuthenticationError);
    const lines = error.message.split('\n');
    expect(lines[0]).toContain('Troubleshooting');
    expect(lines.slice(1).map((l) => l.split(':')[0])).toEqual([
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
      'VisualStudioCodeCredential',
      'AzureCliCredential',
      'AzurePowerShellCredential',
      'AzureDeveloperCliCredential',
    ]);
    expect(error.message).toContain('az login');
  });
});

describe('DefaultAzureCredential passes the options of @azure/identity on to its links', () => {
  afterEach(() => em.faults.clear());

  it('retryOptions: managed identity retries IMDS as many times as told', async () => {
    em.faults.add({ route: 'imds', status: 503, times: 100 });
    const before = em.counters.get('imds');
    const error = await dac(
      { ...cli.env, ...em.managedIdentity.env('imds') },
      { retryOptions: { maxRetries: 1 } },
    )
      .getToken(VAULT)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 503 });
    // The first request and its one retry (the emulator's host comes as pod identity's, which
    // is not probed).
    expect(em.counters.get('imds') - before).toBe(2);
  });

  it("proxyOptions: the environment's client secret goes through the proxy", async () => {
    const proxy = await startConnectProxy();
    try {
      await expect(
        dac(
          {
            ...laptop(),
            AZURE_TENANT_ID: em.tenantId,
            AZURE_CLIENT_ID: SECRET_APP,
            AZURE_CLIENT_SECRET: SECRET,
          },
          { proxyOptions: { host: 'http://127.0.0.1', port: proxy.port } },
        ).getToken(VAULT),
      ).resolves.toMatchObject({ token: expect.any(String) });
      expect(proxy.tunnels).toEqual([new URL(em.url).host]);
    } finally {
      await proxy.stop();
    }
  });

  it('managedIdentityClientId is the client id of workload identity too, as in the anchor', async () => {
    const file = join(dir, 'token-by-mi-id');
    writeFileSync(
      file,
      await em.issueFederatedToken({ issuer: em.issuers.kubernetes, subject: SUBJECT }),
    );
    const credential = dac(
      { ...laptop(), AZURE_TENANT_ID: em.tenantId, AZURE_FEDERATED_TOKEN_FILE: file },
      { managedIdentityClientId: WORKLOAD_APP },
    );
    expect(decodeJwt((await credential.getToken(VAULT)).token)).toMatchObject({
      appid: WORKLOAD_APP,
    });
    expect(credential.selectedCredential).toBe('WorkloadIdentityCredential');
  });

  it('a remembered link that now fails with an error that stops the chain is the answer, tried once', async () => {
    const credential = dac(
      { ...cli.env, ...em.managedIdentity.env('imds') },
      { retryOptions: { maxRetries: 0 } },
    );
    await credential.getToken(VAULT);
    expect(credential.selectedCredential).toBe('ManagedIdentityCredential');
    em.faults.add({ route: 'imds', status: 503, times: 100 });
    const before = em.counters.get('imds');
    const error = await credential
      .getToken('https://storage.azure.com/.default')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 503 });
    // One request: no second walk of the chain (no probe, no second try).
    expect(em.counters.get('imds') - before).toBe(1);
  });
});

describe('DefaultAzureCredential continuation policy', () => {
  it('stops at a deployed credential that could try and was refused', async () => {
    const azBefore = cli.calls('az').length;
    const credential = dac({
      ...laptop(),
      AZURE_TENANT_ID: em.tenantId,
      AZURE_CLIENT_ID: SECRET_APP,
      AZURE_CLIENT_SECRET: 'wrong-secret',
    });
    const error = await credential.getToken(VAULT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).errorResponse.errorCodes).toEqual([7000215]);
    expect(cli.calls('az')).toHaveLength(azBefore);
  });

  it('passes a developer credential failure on to the next link', async () => {
    cli.scenario('az', 'garbage');
    const credential = dac(laptop());
    await credential.getToken(VAULT);
    expect(credential.selectedCredential).toBe('AzurePowerShellCredential');
  });
});

describe('AZURE_TOKEN_CREDENTIALS', () => {
  it.each([
    ['dev', 'AzureCliCredential'],
    ['AzureDeveloperCliCredential', 'AzureDeveloperCliCredential'],
  ])('%s narrows the chain', async (value, answered) => {
    const credential = dac({ ...laptop(), AZURE_TOKEN_CREDENTIALS: value });
    await credential.getToken(VAULT);
    expect(credential.selectedCredential).toBe(answered);
  });

  it('prod leaves the developer tools out', async () => {
    const error = (await dac({ ...laptop(), AZURE_TOKEN_CREDENTIALS: 'prod' })
      .getToken(VAULT)
      .catch((e: unknown) => e)) as Error;
    expect(
      error.message
        .split('\n')
        .slice(1)
        .map((l) => l.split(':')[0]),
    ).toEqual(['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential']);
  });

  it('throws at construction for an invalid value, listing the accepted ones', () => {
    expect(() => dac({ AZURE_TOKEN_CREDENTIALS: 'laptop' })).toThrow(
      /Invalid value for AZURE_TOKEN_CREDENTIALS = laptop\. Valid values are 'dev', 'prod', 'EnvironmentCredential'/,
    );
  });

  it('VisualStudioCodeCredential is accepted, and unavailable here with the guidance of the anchor', async () => {
    const error = (await dac({ ...laptop(), AZURE_TOKEN_CREDENTIALS: 'VisualStudioCodeCredential' })
      .getToken(VAULT)
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(AggregateAuthenticationError);
    expect(error.message).toContain(
      'VisualStudioCodeCredential: Visual Studio Code Authentication is not available',
    );
  });

  it('honours exclude options', async () => {
    const credential = dac(laptop(), { excludeAzureCliCredential: true });
    await credential.getToken(VAULT);
    expect(credential.selectedCredential).toBe('AzurePowerShellCredential');
  });

  it('throws at construction when a required variable is missing', () => {
    expect(() => dac({}, { requiredEnvVars: ['AZURE_FEDERATED_TOKEN_FILE'] })).toThrow(
      /AZURE_FEDERATED_TOKEN_FILE/,
    );
  });
});
