import type * as Msal from '@azure/msal-node';

/** `@azure/msal-node`'s exports, as the dynamic import hands them over. */
export type MsalModule = typeof Msal;

let loading: Promise<MsalModule> | undefined;
let loaded: MsalModule | undefined;

/**
 * `@azure/msal-node`, loaded on first use. It is the heaviest part of an import of this library
 * (with its dependencies, about half of it), and only credentials that acquire through MSAL need
 * it, at their first acquisition: managed identity, the developer CLIs, and every cache hit do
 * without it. Every value of MSAL (applications, error classes for `instanceof`, `LogLevel`) comes
 * from here, so all of them are of the one loaded copy. A failed load is not remembered: the next
 * call tries again.
 */
export function loadMsal(): Promise<MsalModule> {
  loading ??= import('@azure/msal-node').then(
    (module) => (loaded = module),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * The module if {@link loadMsal} has resolved, else `undefined`: where it is undefined, nothing
 * of MSAL can exist yet (no error of its to classify).
 */
export function loadedMsal(): MsalModule | undefined {
  return loaded;
}
