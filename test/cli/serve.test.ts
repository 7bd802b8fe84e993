import { PassThrough } from 'node:stream';
import { DEMO_STREAMS, serve } from '../../src/cli/serve.js';
import { duration, renderStatusTable } from '../../src/cli/statusTable.js';

describe('serve', () => {
  it('holds the demo streams on the embedded emulator, prints their status and stops cleanly', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const controller = new AbortController();
    const running = serve({ signal: controller.signal, out, refreshIntervalMs: 20, env: {} });
    const freshRows = () =>
      (text.split('KEY').pop() ?? '').split('\n').filter((l) => / fresh /.test(l)).length;
    const deadline = Date.now() + 20_000; // a bound on the wait, not a timing assertion
    while (freshRows() < DEMO_STREAMS.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await running;
    expect(freshRows()).toBe(DEMO_STREAMS.length);
    expect(text).toContain('https://127.0.0.1:');
    expect(text).toContain('https://storage.azure.com/.default (CAE)');
    expect(text.trimEnd().endsWith('Stopped cleanly.')).toBe(true);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]+\./);
  });
});

describe('renderStatusTable', () => {
  it('shows each key with its state, expiry, next refresh and counts', () => {
    const now = 1_000_000;
    const table = renderStatusTable(
      [
        {
          key: 'k',
          credential: 'ClientSecretCredential',
          identity: 'i1',
          scopes: ['https://vault.azure.net/.default'],
          enableCae: true,
          state: 'retrying',
          expiresOnTimestamp: now + 65_000,
          nextRefreshAt: now + 5_000,
          acquisitions: 3,
          cacheHits: 12,
          failures: 1,
          subscribers: 1,
          lastError: { code: 'ERR_AUTHENTICATION_FAILED', message: 'x' },
        },
      ],
      now,
    );
    const [header, , row] = table.split('\n');
    expect(header).toMatch(
      /^KEY\s+STATE\s+EXPIRES IN\s+NEXT REFRESH\s+ACQUIRED\s+CACHE HITS\s+LAST ERROR$/,
    );
    expect(row).toMatch(
      /^https:\/\/vault\.azure\.net\/\.default \(CAE\)\s+retrying\s+1m 05s\s+in 5s\s+3\s+12\s+ERR_AUTHENTICATION_FAILED$/,
    );
  });

  it.each([
    [0, 'expired'],
    [-5, 'expired'],
    [42_000, '42s'],
    [125_000, '2m 05s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });
});
