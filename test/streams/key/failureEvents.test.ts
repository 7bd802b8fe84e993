import { TokenManager, type TokenEvent } from '../../../src/index.js';
import { FakeCredential } from '../../support/fakeCredential.js';
import { VirtualClock } from '../../support/virtualClock.js';

const SCOPE = 'https://vault.azure.net/.default';
// Shaped like a signed JWT (header, payload, signature), as a foreign chain link might echo one.
const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImF1ZCI6InZhdWx0In0.c2lnbmF0dXJlLXZhbHVl';
const SECRET = 'Sup3r~S3cret.Value_42';

describe('KeyStream acquisition-failed events', () => {
  it.each([
    ['a JWT', `upstream said: bad assertion ${JWT} (rejected)`, JWT],
    [
      'a client_secret form field',
      `request body grant_type=x&client_secret=${SECRET}&scope=y`,
      SECRET,
    ],
  ])('do not carry %s from the error message', async (_what, message, secret) => {
    const clock = new VirtualClock();
    const manager = new TokenManager({ scheduler: clock, random: () => 1 });
    const credential = new FakeCredential(manager, clock, 100);
    credential.outcomes = [{ error: new TypeError(message) }];
    const events: TokenEvent[] = [];
    const sub = manager.events$.subscribe((e) => events.push(e));
    const call = credential.getToken(SCOPE).catch((e: unknown) => e);
    await clock.advance(100);
    expect(await call).toBeInstanceOf(Error);
    const failed = events.filter((e) => e.type === 'acquisition-failed');
    expect(failed).toHaveLength(1);
    const text = JSON.stringify(events);
    expect(text).not.toContain(secret);
    // The rest of the message stays, so the event still says what went wrong.
    expect(failed[0]).toMatchObject({ message: expect.stringContaining('[REDACTED]') });
    expect(JSON.stringify(failed[0])).toContain(message.slice(0, 12));
    sub.unsubscribe();
    await manager.close();
  });
});
