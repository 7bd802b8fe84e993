import { decodeJwt } from 'jose';
import * as anchor from '@azure/identity';
import {
  AuthenticationError,
  AuthenticationRequiredError,
  ChainedTokenCredential,
  CredentialUnavailableError,
  TokenManager,
  UsernamePasswordCredential,
  type LogLevel,
} from '../../../src/index.js';
import {
  USERNAME_PASSWORD_DEPRECATION,
  USERNAME_PASSWORD_DEPRECATION_CODE,
  warnUsernamePasswordDeprecated,
} from '../../../src/credentials/user/usernamePasswordCredential.js';
import { EMULATOR_TEST_USER, startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { TokenManagers } from '../../support/tokenManagers.js';

const PUBLIC_ID = 'a1b2c3d4-0000-4000-8000-0000000000a1';
const GRAPH = 'https://graph.microsoft.com/User.Read';
const VAULT = 'https://vault.azure.net/.default';
const MFA_USER = {
  username: 'mfa@contoso.test',
  password: 'mfa~password-canary',
  requiresMfa: true,
};

let em: Emulator;
let skewMs = 0;
const managers = new TokenManagers();

beforeAll(async () => {
  em = await startEmulator({
    now: () => Date.now() + skewMs,
    apps: [{ clientId: PUBLIC_ID, publicClient: true }],
    users: [MFA_USER],
  });
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
});
beforeEach(() => em.counters.reset());
afterEach(() => {
  skewMs = 0;
});

function credential(
  user: { username: string; password: string } = EMULATOR_TEST_USER,
  options: { tokenManager?: TokenManager; lines?: string[]; tenantId?: string } = {},
) {
  return new UsernamePasswordCredential(
    options.tenantId ?? em.tenantId,
    PUBLIC_ID,
    user.username,
    user.password,
    {
      authorityHost: em.url,
      tlsOptions: { ca: em.ca },
      env: {},
      tokenManager: options.tokenManager ?? managers.create(),
      loggingOptions: options.lines && {
        logLevel: 'verbose',
        sink: (level: LogLevel, line: string) => options.lines!.push(`${level} ${line}`),
      },
    },
  );
}

describe('UsernamePasswordCredential', () => {
  it('gets a user token with the password grant, then other scopes silently', async () => {
    const cred = credential();
    const graph = await cred.getToken(GRAPH);
    expect(decodeJwt(graph.token)).toMatchObject({
      upn: EMULATOR_TEST_USER.username,
      aud: 'https://graph.microsoft.com',
      appid: PUBLIC_ID,
    });
    const vault = await cred.getToken(VAULT);
    expect(decodeJwt(vault.token)).toMatchObject({ aud: 'https://vault.azure.net' });
    // The second scope came from MSAL's refresh token; a cached scope is a lookup.
    await cred.getToken(GRAPH);
    expect(em.counters.get('token:password')).toBe(1);
    expect(em.counters.get('token:refresh_token')).toBe(1);
  });

  it('signs in with the password again when the authority refuses the refresh token', async () => {
    const cred = credential();
    await cred.getToken(GRAPH);
    skewMs = 91 * 24 * 3_600_000; // past the refresh token's 90 days
    const vault = await cred.getToken(VAULT);
    expect(decodeJwt(vault.token)).toMatchObject({ aud: 'https://vault.azure.net' });
    expect(em.counters.get('token:refresh_token')).toBe(1);
    expect(em.counters.get('token:password')).toBe(2);
  });

  it('shares tokens between instances for the same user and password', async () => {
    const tokenManager = managers.create();
    const first = await credential(EMULATOR_TEST_USER, { tokenManager }).getToken(GRAPH);
    const second = await credential(EMULATOR_TEST_USER, { tokenManager }).getToken(GRAPH);
    expect(second.token).toBe(first.token);
    expect(em.counters.get('token:password')).toBe(1);
    // Another password is another key: it never receives the first one's token.
    const other = credential(
      { ...EMULATOR_TEST_USER, password: 'another~password' },
      { tokenManager },
    );
    await expect(other.getToken(GRAPH)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refuses a wrong password with AADSTS50126, the password in no error or log line', async () => {
    const lines: string[] = [];
    const wrong = 'wrong~password-canary';
    const error = await credential({ ...EMULATOR_TEST_USER, password: wrong }, { lines })
      .getToken(GRAPH)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).statusCode).toBe(400);
    expect((error as AuthenticationError).errorResponse.error).toBe('invalid_grant');
    expect((error as Error).message).toContain('AADSTS50126');
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(wrong);
    expect(lines.some((l) => l.includes('ERROR'))).toBe(true);
    expect(lines.join('\n')).not.toContain(wrong);
  });

  it('cannot sign in a user under MFA: AuthenticationRequiredError, so a chain moves on', async () => {
    const error = await credential(MFA_USER)
      .getToken(GRAPH)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationRequiredError);
    expect((error as Error).message).toContain('AADSTS50076');
    expect((error as Error).message).not.toContain(MFA_USER.password);
    const chain = new ChainedTokenCredential(
      { tokenManager: managers.create() },
      credential(MFA_USER),
      credential(),
    );
    expect(decodeJwt((await chain.getToken(GRAPH)).token)).toMatchObject({
      upn: EMULATOR_TEST_USER.username,
    });
  });

  it('signs in on organizations, the tokens of the user’s tenant', async () => {
    const token = await credential(EMULATOR_TEST_USER, { tenantId: 'organizations' }).getToken(
      GRAPH,
    );
    expect(decodeJwt(token.token)).toMatchObject({ tid: em.tenantId });
  });

  it.each(['tenantId', 'clientId', 'username', 'password'])(
    'refuses a missing %s as the anchor does',
    (name) => {
      const args: Record<string, string> = {
        tenantId: em.tenantId,
        clientId: PUBLIC_ID,
        username: 'u@contoso.test',
        password: 'p',
        [name]: '',
      };
      const make = (
        Cls: typeof UsernamePasswordCredential | typeof anchor.UsernamePasswordCredential,
      ) => new Cls(args['tenantId']!, args['clientId']!, args['username']!, args['password']!);
      let expected: unknown;
      try {
        make(anchor.UsernamePasswordCredential);
      } catch (e) {
        expected = e;
      }
      expect(() => make(UsernamePasswordCredential)).toThrow(CredentialUnavailableError);
      expect(() => make(UsernamePasswordCredential)).toThrow((expected as Error).message);
    },
  );

  it('warns of its deprecation once per process, and in its log at each construction', () => {
    warnUsernamePasswordDeprecated(true);
    const emitted: unknown[][] = [];
    const original = process.emitWarning;
    process.emitWarning = ((...args: unknown[]) => void emitted.push(args)) as typeof original;
    try {
      const lines: string[] = [];
      credential(EMULATOR_TEST_USER, { lines });
      credential(EMULATOR_TEST_USER, { lines });
      expect(emitted).toEqual([
        [
          USERNAME_PASSWORD_DEPRECATION,
          { type: 'DeprecationWarning', code: USERNAME_PASSWORD_DEPRECATION_CODE },
        ],
      ]);
      expect(lines.filter((l) => l.includes('deprecated'))).toHaveLength(2);
      expect(lines[0]).toMatch(
        /^warning UsernamePasswordCredential => UsernamePasswordCredential is deprecated/,
      );
    } finally {
      process.emitWarning = original;
    }
  });
});
