/**
 * `--allow-resource`: the resources a sidecar serves. Resources compare case-insensitively and
 * without a trailing `/` or `/.default`, so `https://vault.azure.net`, `https://vault.azure.net/`
 * and `https://VAULT.azure.net/.default` are one resource.
 */
export class ResourceAllowList {
  readonly #allowed: ReadonlySet<string>;

  /** @param resources - the resources served; empty: every resource. */
  constructor(resources: readonly string[]) {
    this.#allowed = new Set(resources.map(normalizeResource));
  }

  /** Whether `resource` may be served. */
  allows(resource: string): boolean {
    return this.#allowed.size === 0 || this.#allowed.has(normalizeResource(resource));
  }
}

/** The form resources compare in. */
export function normalizeResource(resource: string): string {
  return resource
    .trim()
    .replace(/\/\.default$/i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}
