import type { TokenCredential } from '@azure/core-auth';
import * as anchor from '@azure/identity';
import {
  AggregateAuthenticationError,
  AuthenticationError,
  ChainedTokenCredential,
  CredentialUnavailableError,
  TokenManager,
} from '../../../src/index.js';
import { FakeCredential } from '../../support/fakeCredential.js';
import { teardownAfterEach } from '../../support/teardown.js';
import { VirtualClock } from '../../support/virtualClock.js';

const SCOPE = 'https://vault.azure.net/.default';

const teardown = teardownAfterEach();

function setup() {
  const clock = new VirtualClock();
  const manager = new TokenManager({ scheduler: clock, random: () => 1 });
  teardown.defer(() => manager.close());
  const link = (name: string) => new FakeCredential(manager, clock, 10, name);
  return { clock, manager, link };
}

const unavailable = (what: string) => ({
  error: new CredentialUnavailableError(`${what} is not configured`),
});

describe('ChainedTokenCredential', () => {
  it('moves past unavailable links and returns the first token', async () => {
    const { clock, manager, link } = setup();
    const a = link('a');
    const b = link('b');
    a.fallback = unavailable('a');
    const chain = new ChainedTokenCredential({ tokenManager: manager }, a, b);
    const call = chain.getToken(SCOPE);
    await clock.advance(20);
    expect((await call).token).toBe('token-1');
    expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
  });

  it('caches at the chain: later calls cost no link attempt', async () => {
    const { clock, manager, link } = setup();
    const a = link('a');
    const chain = new ChainedTokenCredential({ tokenManager: manager }, a);
    const first = chain.getToken(SCOPE);
    await clock.advance(10);
    await first;
    await chain.getToken(SCOPE);
    await chain.getToken(SCOPE);
    expect(a.requests).toHaveLength(1);
  });

  it('stops at a link that tried and failed, with that link error', async () => {
    const { clock, manager, link } = setup();
    const a = link('a');
    const b = link('b');
    a.fallback = {
      error: new AuthenticationError(401, {
        error: 'invalid_client',
        errorDescription: 'AADSTS7000215',
      }),
    };
    const chain = new ChainedTokenCredential({ tokenManager: manager }, a, b);
    const call = chain.getToken(SCOPE).catch((e: unknown) => e);
    await clock.advance(20);
    expect(await call).toMatchObject({ code: 'ERR_AUTHENTICATION_FAILED', statusCode: 401 });
    expect(b.requests).toHaveLength(0);
  });

  it('throws an aggregate error naming every link when all are unavailable', async () => {
    const { clock, manager, link } = setup();
    const a = link('a');
    const b = link('b');
    a.fallback = unavailable('first');
    b.fallback = unavailable('second');
    const chain = new ChainedTokenCredential({ tokenManager: manager }, a, b);
    const call = chain.getToken(SCOPE).catch((e: unknown) => e);
    await clock.advance(20);
    const error = (await call) as AggregateAuthenticationError;
    expect(error).toBeInstanceOf(AggregateAuthenticationError);
    expect(error.errors).toHaveLength(2);
    expect(error.message).toMatch(
      /ChainedTokenCredential authentication failed\.\nFakeCredential: first.*\nFakeCredential: second/s,
    );
  });

  it('accepts foreign TokenCredentials and treats a null token as unavailable', async () => {
    const { clock, manager, link } = setup();
    const foreignNull: TokenCredential = { getToken: async () => null };
    const foreign: TokenCredential = {
      getToken: async () => ({ token: 'foreign', expiresOnTimestamp: clock.now() + 3_600_000 }),
    };
    const chain = new ChainedTokenCredential(
      { tokenManager: manager },
      foreignNull,
      foreign,
      link('unused'),
    );
    expect((await chain.getToken(SCOPE)).token).toBe('foreign');
  });

  it("moves past @azure/identity's own unavailable and authentication-required errors", async () => {
    const { clock, manager } = setup();
    // The anchor's errors are known by name only (they carry no code).
    const required: TokenCredential = {
      getToken: () =>
        Promise.reject(
          new anchor.AuthenticationRequiredError({ scopes: [SCOPE], message: 'sign in first' }),
        ),
    };
    const unavailableLink: TokenCredential = {
      getToken: () => Promise.reject(new anchor.CredentialUnavailableError('not here')),
    };
    const foreign: TokenCredential = {
      getToken: async () => ({ token: 'foreign', expiresOnTimestamp: clock.now() + 3_600_000 }),
    };
    const chain = new ChainedTokenCredential(
      { tokenManager: manager },
      required,
      unavailableLink,
      foreign,
    );
    expect((await chain.getToken(SCOPE)).token).toBe('foreign');
  });

  it('reports an empty chain as unavailable', async () => {
    const { manager } = setup();
    const chain = new ChainedTokenCredential({ tokenManager: manager });
    await expect(chain.getToken(SCOPE)).rejects.toMatchObject({
      code: 'ERR_CREDENTIAL_UNAVAILABLE',
    });
  });
});
