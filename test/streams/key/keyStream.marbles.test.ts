import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AuthenticationError, TokenManager } from '../../../src/index.js';
import { FakeCredential } from '../../support/fakeCredential.js';

/**
 * The stream contract as marble diagrams, on the TestScheduler's virtual time (1 frame = 1 ms).
 * Tokens live 20 s and the authority answers in 100 ms, so a token arrives at 100 ms, refreshes
 * at half its life (10.1 s) and the next one arrives at 10.2 s.
 */
const SCOPE = 'https://storage.azure.com/.default';
const LIFETIME = { lifetimeMs: 20_000 };
const busy = (): { error: Error } => ({
  error: new AuthenticationError(503, {
    error: 'temporarily_unavailable',
    errorDescription: 'AADSTS90033: busy',
  }),
});

function contract(
  run: (helpers: {
    scheduler: TestScheduler;
    manager: TokenManager;
    credential: FakeCredential;
    expectObservable: TestScheduler['expectObservable'];
  }) => void,
  options: { initialMaxRetries?: number } = {},
): void {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  scheduler.run(({ expectObservable }) => {
    const manager = new TokenManager({ scheduler, random: () => 1, ...options });
    const credential = new FakeCredential(manager, scheduler, 100);
    credential.fallback = LIFETIME;
    run({ scheduler, manager, credential, expectObservable });
    scheduler.schedule(() => void manager.close(), 60_000);
  });
}

const tokens = (credential: FakeCredential) =>
  credential.token$(SCOPE).pipe(map((token) => token.token));

describe('token$ marbles', () => {
  it('emits a token as soon as it is acquired, then each refreshed token', () => {
    contract(({ credential, expectObservable }) => {
      expectObservable(tokens(credential), '^ 25s !').toBe('100ms a 10099ms b 10099ms c', {
        a: 'token-1',
        b: 'token-2',
        c: 'token-3',
      });
    });
  });

  it('keeps the current token through a failed refresh and delivers the next one once', () => {
    contract(({ credential, expectObservable }) => {
      // The refresh at 10.1 s fails twice; retries 1 s apart (a twentieth of 20 s) succeed.
      credential.outcomes = [LIFETIME, busy(), busy(), LIFETIME];
      expectObservable(tokens(credential), '^ 15s !').toBe('100ms a 12299ms b', {
        a: 'token-1',
        b: 'token-2',
      });
    });
  });

  it('errors with the last typed error when no usable token can be had', () => {
    contract(
      ({ credential, expectObservable }) => {
        credential.outcomes = [busy()];
        expectObservable(tokens(credential)).toBe(
          '100ms #',
          undefined,
          expect.objectContaining({ statusCode: 503 }),
        );
      },
      { initialMaxRetries: 0 },
    );
  });

  it('shares one acquisition between subscribers; a late one gets the current token at once', () => {
    contract(({ scheduler, credential, expectObservable }) => {
      expectObservable(tokens(credential), '^ 5s !').toBe('100ms a', { a: 'token-1' });
      expectObservable(tokens(credential), '2s ^ 3s !').toBe('2s a', { a: 'token-1' });
      scheduler.schedule(() => expect(credential.requests).toHaveLength(1), 5_000);
    });
  });

  it('pushes a token acquired with claims to the subscribers, replacing the current one', () => {
    contract(({ scheduler, credential, expectObservable }) => {
      expectObservable(tokens(credential), '^ 5s !').toBe('100ms a 1999ms c', {
        a: 'token-1',
        c: 'token-2',
      });
      scheduler.schedule(() => void credential.getToken(SCOPE, { claims: '{"a":1}' }), 2_000);
    });
  });
});
