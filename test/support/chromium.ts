/**
 * Headless Chromium for the browser tests: Debian's `chromium` (Playwright's own download does not
 * work here), driven by `playwright-core`, in a fresh profile, and ended by its pid at teardown.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import type { Teardown } from './teardown.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags the machine needs: no sandbox or GPU, and nothing that talks to Google. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/**
 * Starts Chromium and connects to it over a loopback WebSocket. Playwright gives every launch a
 * new temporary profile (`--user-data-dir`) and removes it on close. At teardown the browser is
 * closed, then its process group (Playwright starts the browser as a group leader, with its
 * renderers and zygote inside) is killed by pid in case anything is left.
 *
 * Fails, never skips, when Chromium is missing.
 */
export async function launchChromium(teardown: Teardown): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: install the Debian package "chromium" ` +
        '(apt-get install -y --no-install-recommends chromium), as .ci/run does when it is missing.',
    );
  }
  const server = await chromium.launchServer({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    host: '127.0.0.1',
  });
  const pid = server.process().pid;
  teardown.defer(async () => {
    await server.close().catch(() => undefined);
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone: the close above ended the whole group.
    }
  });
  const browser = await chromium.connect(server.wsEndpoint());
  teardown.defer(() => browser.close().catch(() => undefined));
  return browser;
}
