/**
 * The dashboard in headless Chromium, on a live engine whose emulator tokens live 6 s, so that a
 * refresh happens while the page is open. The page is read through the DOM and through its
 * screenshots, decoded here.
 */
import type { Page } from 'playwright-core';
import { merge, Subject } from 'rxjs';
import { ClientSecretCredential, TokenManager, type TokenEvent } from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { createDashboard } from '../../src/service/dashboard/index.js';
import type { ServiceView, SidecarRequestEvent } from '../../src/service/serviceContract.js';
import type { KeySnapshot } from '../../src/streams/snapshot.js';
import { launchChromium } from '../support/chromium.js';
import { teardownAfterEach } from '../support/teardown.js';
import {
  decodePng,
  differingPixels,
  distinctColors,
  pixelsNear,
  type Image,
} from './dashboardPng.js';
import { serveRoutes, SseReader } from './dashboardSse.js';

const CLIENT_ID = '5a1d0c3e-0000-4000-8000-0000000000d2';
const SECRET = 'dashboard-client-secret~value';
const STORAGE = 'https://storage.azure.com/.default';
const VAULT = 'https://vault.azure.net/.default';
const LIFETIME_S = 6;
const WAIT = { timeout: 20_000 };
const TEXT: [number, number, number] = [29, 36, 48];
const GREEN: [number, number, number] = [31, 138, 76];
const BLUE: [number, number, number] = [43, 108, 176];

/** A key whose label and scope a caller chose to look like markup. */
const MARKUP_KEY: KeySnapshot = {
  key: 'Evil <img src=x onerror="window.__pwned=1"> key',
  credential: 'ClientSecretCredential',
  identity: 'i9',
  scopes: ['api://evil/<b>bold</b>.default'],
  enableCae: false,
  state: 'idle',
  acquisitions: 0,
  cacheHits: 0,
  failures: 0,
  subscribers: 0,
};

let em: Emulator;
const teardown = teardownAfterEach();

beforeAll(async () => {
  em = await startEmulator({
    apps: [{ clientId: CLIENT_ID, clientSecret: SECRET }],
    tokenLifetimeSeconds: LIFETIME_S,
  });
});
afterAll(() => em.stop());

type Box = { x: number; y: number; width: number; height: number };

/** The part of `image` under `box` (CSS pixels; the page renders at a device scale of 1). */
function crop(image: Image, box: Box): Image {
  const [x0, y0] = [Math.max(0, Math.floor(box.x)), Math.max(0, Math.floor(box.y))];
  const width = Math.min(image.width - x0, Math.ceil(box.width));
  const height = Math.min(image.height - y0, Math.ceil(box.height));
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * image.width + x0) * 4;
    rgba.set(image.rgba.subarray(from, from + width * 4), y * width * 4);
  }
  return { width, height, rgba };
}

/** A screenshot of `box` and the text `selector` showed in it (read before and after, until equal). */
async function shotWithText(
  page: Page,
  selector: string,
  box: Box,
): Promise<{ image: Image; text: string }> {
  for (;;) {
    const text = await page.locator(selector).textContent();
    const png = await page.screenshot({ clip: box });
    if ((await page.locator(selector).textContent()) === text)
      return { image: decodePng(png), text: text ?? '' };
  }
}

async function boxOf(page: Page, selector: string) {
  const box = await page.locator(selector).boundingBox();
  if (box === null) throw new Error(`${selector} is not on screen`);
  return box;
}

describe('the dashboard in Chromium', () => {
  it('shows every key live, its countdown moving, a refresh on the timeline, sidecar clients and chain decisions, and no token', async () => {
    const tokenManager = teardown.add(new TokenManager(), (m) => m.close());
    const credential = new ClientSecretCredential(em.tenantId, CLIENT_ID, SECRET, {
      authorityHost: em.url,
      tlsOptions: { ca: em.ca },
      tokenManager,
      env: {},
    });
    const sidecar = new Subject<SidecarRequestEvent>();
    const extra = new Subject<TokenEvent>();
    const view: ServiceView = {
      events$: merge(tokenManager.events$, extra),
      sidecarEvents$: sidecar,
      snapshot: () => [...tokenManager.snapshot(), MARKUP_KEY],
      readiness: () => ({ ready: true, reasons: [] }),
      description: `the emulator at ${em.url}`,
    };
    const dashboard = teardown.add(createDashboard(view), (d) => d.close());
    const url = await serveRoutes(teardown, dashboard.route);
    // Created before the first acquisition, as the service does: the page's timeline has it all.
    const tokens: string[] = [];
    const streamErrors: string[] = [];
    const live = credential.token$(STORAGE).subscribe({
      next: (t) => tokens.push(t.token),
      error: (e: unknown) => streamErrors.push(String(e)),
    });
    teardown.defer(() => live.unsubscribe());
    tokens.push((await credential.getToken(VAULT)).token);
    const stream = await SseReader.open(`${url}/events`, teardown);

    const browser = await launchChromium(teardown);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${url}/`);
    await page.locator('#connection', { hasText: 'live' }).waitFor(WAIT);

    // A row per key, the two of the engine and the one whose label looks like markup.
    const storageRow = `#keys tr[data-key$=" ${STORAGE}"]`;
    await page.locator(storageRow).waitFor(WAIT);
    await page.locator(`#keys tr[data-key$=" ${VAULT}"]`).waitFor(WAIT);
    expect(await page.locator('#keys tbody tr').count()).toBe(3);
    expect(await page.locator('#readiness').textContent()).toBe('ready');
    const markupRow = page.locator('#keys tbody tr').nth(2);
    expect(await markupRow.locator('.key-label').textContent()).toBe(MARKUP_KEY.scopes[0]);
    expect(await markupRow.getAttribute('title')).toBe(MARKUP_KEY.key);

    // The countdown moves between two readings, on screen too.
    const countdown = `${storageRow} td.countdown`;
    const countdownBox = await boxOf(page, countdown);
    const first = await shotWithText(page, countdown, countdownBox);
    expect(first.text).toMatch(/^\d\.\ds$/);
    const exactly = (text: string) =>
      new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    await page.locator(countdown, { hasNotText: exactly(first.text) }).waitFor(WAIT);
    const second = await shotWithText(page, countdown, countdownBox);
    expect(second.text).not.toBe(first.text);
    expect(differingPixels(first.image, second.image)).toBeGreaterThan(0);
    const after = decodePng(await page.screenshot());

    // The screenshot shows the row: its text and its green `fresh` badge.
    const row = crop(after, await boxOf(page, storageRow));
    expect(distinctColors(after)).toBeGreaterThan(20);
    expect(pixelsNear(row, TEXT, 40)).toBeGreaterThan(50);
    // Its state badge: green when fresh, blue in the instant of a refresh.
    expect(pixelsNear(row, GREEN, 30) + pixelsNear(row, BLUE, 30)).toBeGreaterThan(20);

    // A proactive refresh (half of the token's 6 s) shows on the timeline.
    await page.locator('#recent-events li[data-kind="refresh"]').first().waitFor(WAIT);
    await page
      .locator('#timeline-counts [data-kind="refresh"]:not([data-count="0"])')
      .waitFor(WAIT);
    expect(
      Number(await page.locator('#timeline-chart').getAttribute('data-points')),
    ).toBeGreaterThanOrEqual(3);
    const chart = crop(
      decodePng(await page.screenshot()),
      await boxOf(page, '#timeline-chart canvas'),
    );
    expect(pixelsNear(chart, GREEN, 40) + pixelsNear(chart, BLUE, 40)).toBeGreaterThan(10);

    // A sidecar request and a chain decision, fed to the view, appear.
    sidecar.next({
      type: 'sidecar-request',
      at: Date.now(),
      status: 401,
      client: '127.0.0.1:50123',
      durationMs: 0.4,
      reason: 'wrong-header',
    });
    extra.next({
      type: 'chain-decision',
      link: 'ManagedIdentityCredential',
      decision: 'unavailable',
      reason: 'initial',
      message: 'No managed identity endpoint.',
      at: Date.now(),
      key: 'DefaultAzureCredential(…) - nocae https://vault.azure.net/.default',
      credential: 'DefaultAzureCredential',
      identity: 'i2',
    });
    const client = page.locator('#clients tr[data-client="127.0.0.1:50123"]');
    await client.waitFor(WAIT);
    expect(await client.textContent()).toContain('401: 1');
    await page.locator('#recent-requests li[data-status="401"]').waitFor(WAIT);
    const link = page.locator('#chain tr[data-link="ManagedIdentityCredential"]');
    await link.waitFor(WAIT);
    expect(await link.locator('td').nth(2).textContent()).toBe('1');

    // Markup stayed text; no token (nor anything token-shaped) reached the page or the stream.
    expect(await page.locator('#keys img, #keys b').count()).toBe(0);
    expect(await page.evaluate(() => typeof (globalThis as { __pwned?: unknown }).__pwned)).toBe(
      'undefined',
    );
    const html = await page.content();
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    for (const token of tokens) {
      expect(html).not.toContain(token);
      expect(stream.raw).not.toContain(token);
    }
    expect(html).not.toContain('eyJ');
    expect(stream.raw).not.toContain('eyJ');
    expect(html).not.toContain(SECRET);
    expect(errors).toEqual([]);
    expect(streamErrors).toEqual([]);
  });
});
