import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { MemoryLayer, TokenManager, type CacheLayer, type TokenEvent } from '../../src/index.js';
import { FakeCredential } from '../support/fakeCredential.js';
import { VirtualClock } from '../support/virtualClock.js';

const SCOPE = 'https://storage.azure.com/.default';

/** A shared layer whose storage works but whose key lock never comes (another process hangs on it). */
function unlockableLayer(): CacheLayer {
  const entries = new Map<string, never>();
  return {
    name: 'disk',
    get: async (key) => entries.get(key),
    set: async (key, token) => void entries.set(key, token as never),
    delete: async (key) => void entries.delete(key),
    lockKey: () => Promise.reject(new Error('lock not obtained within 30000 ms')),
  };
}

function brokenLayer(): CacheLayer {
  const fail = (): Promise<never> => Promise.reject(new Error('EACCES: permission denied'));
  return { name: 'disk', get: fail, set: fail, delete: fail };
}

describe('a failing cache layer', () => {
  it.each([
    ['a layer whose reads and writes fail', brokenLayer, ['get', 'set']],
    ['a lock that cannot be had in time', unlockableLayer, ['lock']],
  ])(
    'never fails the acquisition with %s: an event and a span say the cache degraded',
    async (_name, make, operations) => {
      const clock = new VirtualClock();
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const manager = new TokenManager({
        scheduler: clock,
        tracerProvider,
        cacheLayers: [new MemoryLayer({ now: () => clock.now() }), make()],
      });
      const events: TokenEvent[] = [];
      manager.events$.subscribe((e) => events.push(e));
      const credential = new FakeCredential(manager, clock, 100);
      const call = credential.getToken(SCOPE);
      await clock.advance(100);
      expect((await call).token).toBe('token-1');
      const degraded = events.filter((e) => e.type === 'cache-degraded');
      expect(degraded.map((e) => (e as { operation: string }).operation)).toEqual(
        expect.arrayContaining(operations),
      );
      const spans = exporter
        .getFinishedSpans()
        .filter((s) => s.name === 'reactive-identity.cache_degraded');
      expect(spans.length).toBeGreaterThanOrEqual(1);
      expect(spans[0]!.attributes['azure.identity.cache.layer']).toBe('disk');
      await manager.close();
      await tracerProvider.shutdown();
    },
  );
});
