import { PassThrough } from 'node:stream';
import { decodeJwt } from 'jose';
import { parseTokenArgs } from '../../src/cli/tokenArgs.js';
import { localDateTime, runToken } from '../../src/cli/tokenCommand.js';
import {
  EMULATOR_SYSTEM_ASSIGNED_IDENTITY,
  EMULATOR_TENANT_ID,
  startEmulator,
  type Emulator,
} from '../../src/emulator/index.js';

let em: Emulator;
beforeAll(async () => {
  em = await startEmulator();
});
afterAll(() => em.stop());
afterEach(() => em.faults.clear());

/** Runs `token` on the emulator's App Service managed identity; returns what it printed. */
async function token(args: string[], progressDelayMs?: number) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  err.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const env = em.managedIdentity.env('appService');
  const code = await runToken(parseTokenArgs(args), { out, err, env, progressDelayMs });
  return { code, stdout, stderr };
}

describe('reactive-identity token', () => {
  it("prints az account get-access-token's JSON fields", async () => {
    const { code, stdout, stderr } = await token([
      '--credential',
      'managed-identity',
      '--scope',
      'https://vault.azure.net/.default',
    ]);
    expect([code, stderr]).toEqual([0, '']);
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual([
      'accessToken',
      'expiresOn',
      'expires_on',
      'tenant',
      'tokenType',
    ]);
    const claims = decodeJwt(String(printed.accessToken));
    expect(claims.appid).toBe(EMULATOR_SYSTEM_ASSIGNED_IDENTITY.clientId);
    expect(printed).toMatchObject({ tenant: EMULATOR_TENANT_ID, tokenType: 'Bearer' });
    expect(Math.abs(Number(printed.expires_on) - claims.exp!)).toBeLessThanOrEqual(2);
    expect(printed.expiresOn).toBe(localDateTime(new Date(Number(printed.expires_on) * 1000)));
  });

  it('prints tab-separated values with --output tsv, through DefaultAzureCredential', async () => {
    const { code, stdout } = await token(['--resource', 'https://storage.azure.com', '-o', 'tsv']);
    expect(code).toBe(0);
    const fields = stdout.trimEnd().split('\t');
    expect(fields).toHaveLength(5);
    expect(decodeJwt(fields[0]!).aud).toBe('https://storage.azure.com');
    expect(fields.slice(2)).toEqual([
      expect.stringMatching(/^\d{10}$/),
      EMULATOR_TENANT_ID,
      'Bearer',
    ]);
  });

  it('exits 1 with the error class, code and message on stderr, and nothing on stdout', async () => {
    em.faults.add({ route: 'appService', status: 400 });
    const { code, stdout, stderr } = await token([
      '--credential',
      'managed-identity',
      '--scope',
      'https://vault.azure.net/.default',
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^reactive-identity token: \w+Error \(ERR_[A-Z_]+\): /);
    expect(stderr).not.toContain(em.managedIdentity.appServiceSecret);
  });

  it('shows progress on stderr while it waits', async () => {
    em.faults.add({ route: 'appService', latencyMs: 300 });
    const { code, stderr } = await token(
      ['--credential', 'managed-identity', '--scope', 'https://vault.azure.net/.default'],
      0,
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Waiting for ManagedIdentityCredential\.\.\. \d+ s\n/);
  });

  it.each([
    [[], /one of --scope <scope> or --resource/],
    [['--scope', 'a', '--resource', 'b'], /one of --scope/],
    [['--scope', 'a b'], /--scope must be a URI/],
    [['--scope', 'x', '--output', 'yaml'], /--output must be json or tsv/],
    [['--scope', 'x', '--tenant', 'a/b'], /--tenant must be/],
    [['--scope', 'x', '--credential', 'emulator'], /for serve/],
  ])('refuses %j with a usage error', (args, message) => {
    expect(() => parseTokenArgs(args)).toThrow(message);
  });
});
