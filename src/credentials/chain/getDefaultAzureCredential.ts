import { DefaultAzureCredential } from './defaultAzureCredential.js';

/**
 * A {@link DefaultAzureCredential} with the default options, as `@azure/identity`'s
 * `getDefaultAzureCredential()` returns. Each call makes a new instance, as there; every instance
 * is bound to the same identity on the process-wide engine, so they share one stream, one cached
 * token and one acquisition per key: calling this per request still makes one token request.
 *
 * @example
 * ```ts
 * const client = new SecretClient(vaultUrl, getDefaultAzureCredential());
 * ```
 */
export function getDefaultAzureCredential(): DefaultAzureCredential {
  return new DefaultAzureCredential();
}
