/**
 * What a test opened (servers, engines, providers, temporary folders), closed after it whether
 * it passed or failed: register each resource as it is made, never close it at the end of the
 * test body, where a failing assertion would skip the close and leak it into the next test.
 */
export class Teardown {
  readonly #closers: (() => unknown)[] = [];

  /** Registers `close(resource)` to run at teardown and returns `resource`. */
  add<T>(resource: T, close: (resource: T) => unknown): T {
    this.defer(() => close(resource));
    return resource;
  }

  /** Registers `close` to run at teardown. */
  defer(close: () => unknown): void {
    this.#closers.push(close);
  }

  /**
   * Runs every registered close, the last registered first, each awaited before the next; then
   * forgets them. A close that fails does not stop the others; the first failure is rethrown.
   */
  async run(): Promise<void> {
    const failures: unknown[] = [];
    for (const close of this.#closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}

/** A `Teardown` run after each test of the `describe` block (or file) that calls this. */
export function teardownAfterEach(): Teardown {
  const teardown = new Teardown();
  afterEach(() => teardown.run());
  return teardown;
}
