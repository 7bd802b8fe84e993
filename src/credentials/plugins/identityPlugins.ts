import { InvalidArgumentError } from '../../errors.js';
import type { TokenCachePersistenceOptions } from '../../streams/defaultTokenManager.js';
import { createLogger } from '../../telemetry/logger.js';

/** An Azure Identity plugin: a function that takes the plugin context, as in `@azure/identity`. */
export type IdentityPlugin = (context: unknown) => void;

/**
 * What `@azure/identity-cache-persistence` registers: a factory of MSAL cache plugins. Typed
 * loosely here so that this module never needs `@azure/msal-node`.
 */
export type PersistenceFactory = (options?: TokenCachePersistenceOptions) => Promise<unknown>;

/** The plugin context `@azure/identity` hands to a plugin; plugins use these three controls. */
export interface AzurePluginContext {
  cachePluginControl: {
    setPersistence(persistenceFactory: PersistenceFactory): void;
  };
  nativeBrokerPluginControl: {
    setNativeBroker(nativeBroker: object): void;
  };
  vsCodeCredentialControl: {
    setVSCodeAuthRecordPath(path: string): void;
    setVSCodeBroker(broker: object): void;
  };
}

/** What the registered plugins provided. */
export interface RegisteredPlugins {
  /** From `@azure/identity-cache-persistence`. Recorded; the disk layer needs no plugin here. */
  persistence?: PersistenceFactory;
  /** From `@azure/identity-broker`. Recorded; there is no WAM broker support in this build. */
  nativeBroker?: object;
  /** From `@azure/identity-vscode`: where VS Code keeps its authentication record. */
  vsCodeAuthRecordPath?: string;
  /** From `@azure/identity-vscode`. Recorded; there is no broker support in this build. */
  vsCodeBroker?: object;
}

let registered: Readonly<RegisteredPlugins> = Object.freeze({});

/** What the plugins registered so far provided. */
export function registeredPlugins(): Readonly<RegisteredPlugins> {
  return registered;
}

/** Forgets every registered plugin; for tests. */
export function resetIdentityPlugins(): void {
  registered = Object.freeze({});
}

const KNOWN_PLUGINS =
  'reactive-identity takes the plugins of @azure/identity-cache-persistence (cachePluginControl.setPersistence), @azure/identity-broker (nativeBrokerPluginControl.setNativeBroker) and @azure/identity-vscode (vsCodeCredentialControl.setVSCodeAuthRecordPath and setVSCodeBroker)';

/**
 * Extends Azure Identity with a plugin package's functionality, as `@azure/identity` does:
 *
 * - `cachePersistencePlugin` of `@azure/identity-cache-persistence` is accepted and optional
 *   here: `tokenCachePersistenceOptions: { enabled: true }` turns on the engine's disk layer (and
 *   MSAL's accounts on disk) with or without it. The cache is this library's own lock-guarded,
 *   encrypted file (key: `REACTIVE_IDENTITY_CACHE_KEY` or `encryptionKey`), not the plugin's.
 * - `nativeBrokerPlugin` of `@azure/identity-broker` and `vsCodePlugin` of `@azure/identity-vscode`
 *   are accepted, but this build has no native broker: the credentials that would use them
 *   (`InteractiveBrowserCredential` with `brokerOptions.enabled`, `VisualStudioCodeCredential`)
 *   throw `CredentialUnavailableError` saying so, and a chain moves on.
 *
 * Anything that is not such a plugin is refused with `InvalidArgumentError`: a value that is not
 * a function, a plugin that throws, or one that registers nothing this library knows.
 *
 * @example
 * ```ts
 * import { cachePersistencePlugin } from '@azure/identity-cache-persistence';
 * useIdentityPlugin(cachePersistencePlugin);
 * const credential = new DeviceCodeCredential({ tokenCachePersistenceOptions: { enabled: true } });
 * ```
 *
 * @param plugin - the plugin to register
 */
export function useIdentityPlugin(plugin: IdentityPlugin): void {
  if (typeof plugin !== 'function') {
    throw new InvalidArgumentError(
      `useIdentityPlugin: a plugin is a function that takes the plugin context; got ${describe(plugin)}. ${KNOWN_PLUGINS}.`,
    );
  }
  const pending: RegisteredPlugins = {};
  let calls = 0;
  const record = <K extends keyof RegisteredPlugins>(key: K, value: RegisteredPlugins[K]): void => {
    pending[key] = value;
    calls += 1;
  };
  const context: AzurePluginContext = {
    cachePluginControl: {
      setPersistence(persistenceFactory) {
        requireType('cachePluginControl.setPersistence', persistenceFactory, 'function');
        record('persistence', persistenceFactory);
      },
    },
    nativeBrokerPluginControl: {
      setNativeBroker(nativeBroker) {
        requireType('nativeBrokerPluginControl.setNativeBroker', nativeBroker, 'object');
        record('nativeBroker', nativeBroker);
      },
    },
    vsCodeCredentialControl: {
      setVSCodeAuthRecordPath(path) {
        requireType('vsCodeCredentialControl.setVSCodeAuthRecordPath', path, 'string');
        record('vsCodeAuthRecordPath', path);
      },
      setVSCodeBroker(broker) {
        requireType('vsCodeCredentialControl.setVSCodeBroker', broker, 'object');
        record('vsCodeBroker', broker);
      },
    },
  };
  try {
    plugin(context);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw error;
    throw new InvalidArgumentError(
      `useIdentityPlugin: the plugin failed while registering (${error instanceof Error ? error.message : String(error)}). ${KNOWN_PLUGINS}.`,
      { cause: error },
    );
  }
  if (calls === 0) {
    throw new InvalidArgumentError(
      `useIdentityPlugin: the plugin registered nothing. ${KNOWN_PLUGINS}.`,
    );
  }
  registered = Object.freeze({ ...registered, ...pending });
  const log = createLogger('useIdentityPlugin');
  if (pending.persistence !== undefined) {
    log.info(
      'Persistence plugin registered; tokenCachePersistenceOptions uses the engine disk layer, with or without it.',
    );
  }
  if (pending.nativeBroker !== undefined || pending.vsCodeBroker !== undefined) {
    log.warning(
      'Broker plugin registered, but this build has no native broker: credentials that need it are unavailable.',
    );
  }
}

function requireType(control: string, value: unknown, type: 'function' | 'object' | 'string') {
  const ok =
    type === 'object'
      ? typeof value === 'object' && value !== null
      : type === 'string'
        ? typeof value === 'string' && value.trim() !== ''
        : typeof value === type;
  if (!ok) {
    const wanted =
      type === 'string' ? 'a non-empty string' : `a${type === 'object' ? 'n' : ''} ${type}`;
    throw new InvalidArgumentError(
      `useIdentityPlugin: ${control} takes ${wanted}; the plugin passed ${describe(value)}.`,
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * Why a credential cannot use the WAM broker: this build has none, whether or not
 * `@azure/identity-broker`'s plugin was registered.
 */
export function brokerUnavailableMessage(credential: string): string {
  const plugin =
    registeredPlugins().nativeBroker === undefined
      ? 'no broker plugin is registered (useIdentityPlugin(nativeBrokerPlugin) of @azure/identity-broker), and'
      : 'the @azure/identity-broker plugin is registered, but';
  return `${credential}: brokerOptions.enabled asks for the Web Account Manager (WAM) broker, which is not available: ${plugin} reactive-identity has no native broker support on this platform or build. Sign in without the broker (remove brokerOptions or set enabled: false).`;
}
