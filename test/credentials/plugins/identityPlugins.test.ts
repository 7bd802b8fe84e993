import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClientSecretCredential,
  CredentialUnavailableError,
  InteractiveBrowserCredential,
  InvalidArgumentError,
  useIdentityPlugin,
  VisualStudioCodeCredential,
  type IdentityPlugin,
  type InteractiveBrowserCredentialNodeOptions,
} from '../../../src/index.js';
import {
  registeredPlugins,
  resetIdentityPlugins,
  type AzurePluginContext,
} from '../../../src/credentials/plugins/identityPlugins.js';
import { VSCODE_UNAVAILABLE_MESSAGE } from '../../../src/credentials/developer/visualStudioCodeCredential.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { TokenManagers } from '../../support/tokenManagers.js';

const APP = '9c9c9c9c-0000-4000-8000-00000000009c';
const SECRET = 'plugin-test-secret~value';
const STORAGE = 'https://storage.azure.com/.default';

// The plugins of the three packages, in their shapes (the packages themselves need native code).
/** `cachePersistencePlugin` of `@azure/identity-cache-persistence`. */
const cachePersistencePlugin: IdentityPlugin = (context) => {
  const { cachePluginControl } = context as AzurePluginContext;
  cachePluginControl.setPersistence(async () => ({
    beforeCacheAccess: async () => undefined,
    afterCacheAccess: async () => undefined,
  }));
};
/** `nativeBrokerPlugin` of `@azure/identity-broker`. */
const nativeBrokerPlugin: IdentityPlugin = (context) => {
  const { nativeBrokerPluginControl } = context as AzurePluginContext;
  nativeBrokerPluginControl.setNativeBroker({ isBrokerAvailable: true });
};
/** `vsCodePlugin` of `@azure/identity-vscode`. */
const vsCodePlugin: IdentityPlugin = (context) => {
  const { vsCodeCredentialControl } = context as AzurePluginContext;
  vsCodeCredentialControl.setVSCodeAuthRecordPath(
    '/home/ada/.azure/ms-azuretools.vscode-azureresourcegroups/authRecord.json',
  );
  vsCodeCredentialControl.setVSCodeBroker({ isBrokerAvailable: true });
};

let em: Emulator;
let dir: string;
const managers = new TokenManagers();

beforeAll(async () => {
  em = await startEmulator({ apps: [{ clientId: APP, clientSecret: SECRET }] });
  dir = mkdtempSync(join(tmpdir(), 'ri-plugins-'));
});
afterAll(async () => {
  await managers.closeAll();
  await em.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  resetIdentityPlugins();
  em.counters.reset();
});

describe('useIdentityPlugin', () => {
  it('accepts @azure/identity-cache-persistence: credentials with tokenCachePersistenceOptions get the disk layer', async () => {
    useIdentityPlugin(cachePersistencePlugin);
    expect(typeof registeredPlugins().persistence).toBe('function');
    const persistence = {
      enabled: true,
      name: `plugin-${randomBytes(4).toString('hex')}`,
      directory: dir,
      encryptionKey: randomBytes(32),
    };
    const first = new ClientSecretCredential(em.tenantId, APP, SECRET, {
      authorityHost: em.url,
      tlsOptions: { ca: em.ca },
      env: {},
      tokenCachePersistenceOptions: persistence,
    });
    const token = await first.getToken(STORAGE);
    expect(readdirSync(dir).some((file) => file.startsWith(persistence.name))).toBe(true);
    // Another engine on the same cache (another process, in effect) finds it on disk.
    const other = managers.create({ persistence });
    const second = new ClientSecretCredential(em.tenantId, APP, SECRET, {
      authorityHost: em.url,
      tlsOptions: { ca: em.ca },
      env: {},
      tokenManager: other,
    });
    expect((await second.getToken(STORAGE)).token).toBe(token.token);
    expect(em.counters.get('token')).toBe(1);
    await first.close();
  });

  it('accepts @azure/identity-broker; a credential asking for the broker is unavailable, saying why', async () => {
    const options = {
      tokenManager: managers.create(),
      brokerOptions: { enabled: true, parentWindowHandle: new Uint8Array(0) },
    } as InteractiveBrowserCredentialNodeOptions;
    const before = await new InteractiveBrowserCredential(options)
      .getToken(STORAGE)
      .catch((e: unknown) => e);
    expect(before).toBeInstanceOf(CredentialUnavailableError);
    expect((before as Error).message).toContain('no broker plugin is registered');
    useIdentityPlugin(nativeBrokerPlugin);
    expect(registeredPlugins().nativeBroker).toEqual({ isBrokerAvailable: true });
    const credential = new InteractiveBrowserCredential(options);
    const after = await credential.getToken(STORAGE).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(CredentialUnavailableError);
    expect((after as Error).message).toContain(
      'InteractiveBrowserCredential: brokerOptions.enabled asks for the Web Account Manager (WAM) broker, which is not available: the @azure/identity-broker plugin is registered, but reactive-identity has no native broker support',
    );
    await expect(credential.authenticate(STORAGE)).rejects.toBeInstanceOf(
      CredentialUnavailableError,
    );
  });

  it('accepts @azure/identity-vscode; VisualStudioCodeCredential stays unavailable, saying why', async () => {
    useIdentityPlugin(vsCodePlugin);
    expect(registeredPlugins().vsCodeAuthRecordPath).toContain('authRecord.json');
    const tokenManager = managers.create();
    const error = await new VisualStudioCodeCredential({ tokenManager })
      .getToken(STORAGE)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialUnavailableError);
    expect((error as Error).message).not.toBe(VSCODE_UNAVAILABLE_MESSAGE);
    expect((error as Error).message).toContain('the @azure/identity-vscode plugin is registered');
    expect((error as Error).message).toContain('no native broker');
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an object', { cachePluginControl: {} }],
    ['a string', '@azure/identity-cache-persistence'],
  ])('refuses %s with InvalidArgumentError', (_, value) => {
    expect(() => useIdentityPlugin(value as unknown as IdentityPlugin)).toThrow(
      InvalidArgumentError,
    );
    expect(() => useIdentityPlugin(value as unknown as IdentityPlugin)).toThrow(
      /a plugin is a function that takes the plugin context/,
    );
  });

  it('refuses a plugin that registers nothing, or fails, and registers nothing of it', () => {
    expect(() => useIdentityPlugin(() => undefined)).toThrow(/the plugin registered nothing/);
    const failing: IdentityPlugin = (context) => {
      (context as AzurePluginContext).cachePluginControl.setPersistence(async () => ({}));
      (context as { futureControl: { enable(): void } }).futureControl.enable();
    };
    const error = (() => {
      try {
        useIdentityPlugin(failing);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain('the plugin failed while registering');
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect(registeredPlugins()).toEqual({});
  });

  it('refuses what a control cannot take', () => {
    const bad: IdentityPlugin = (context) =>
      (context as AzurePluginContext).cachePluginControl.setPersistence(
        'not a factory' as unknown as () => Promise<unknown>,
      );
    expect(() => useIdentityPlugin(bad)).toThrow(
      'useIdentityPlugin: cachePluginControl.setPersistence takes a function; the plugin passed string.',
    );
    const empty: IdentityPlugin = (context) =>
      (context as AzurePluginContext).vsCodeCredentialControl.setVSCodeAuthRecordPath(' ');
    expect(() => useIdentityPlugin(empty)).toThrow(/takes a non-empty string/);
  });
});
