import * as azure from '@azure/identity';
import {
  AbortError,
  AggregateAuthenticationError,
  AggregateAuthenticationErrorName,
  AuthenticationError,
  AuthenticationErrorName,
  AuthenticationRequiredError,
  AuthenticationRequiredErrorName,
  CacheDecryptionError,
  CacheLockCompromisedError,
  CacheLockTimeoutError,
  ClosedError,
  codeOf,
  describeError,
  IDENTITY_ERROR_CODES,
  isCacheError,
  UnsafeCacheDirectoryError,
  CredentialUnavailableError,
  CredentialUnavailableErrorName,
  IdentityError,
  InvalidArgumentError,
  InvalidResponseError,
  NetworkError,
  isAbortError,
  isAggregateAuthenticationError,
  isAuthenticationError,
  isAuthenticationRequiredError,
  isCredentialUnavailableError,
  isIdentityError,
  isInvalidArgumentError,
  isTransientError,
  isTransientStatus,
  type ErrorResponse,
} from '../src/index.js';

const invalidClient: ErrorResponse = {
  error: 'invalid_client',
  errorDescription: 'AADSTS7000215: Invalid client secret provided.',
  errorCodes: [7000215],
  correlationId: 'c0rre1at10n',
  traceId: 'tr4ce',
};

const examples: [string, IdentityError][] = [
  ['CredentialUnavailableError', new CredentialUnavailableError('no tool')],
  ['AuthenticationError', new AuthenticationError(401, invalidClient)],
  ['AuthenticationRequiredError', new AuthenticationRequiredError(['s'], 'sign in')],
  ['AggregateAuthenticationError', new AggregateAuthenticationError([])],
  ['InvalidArgumentError', new InvalidArgumentError('bad')],
  ['InvalidResponseError', new InvalidResponseError('garbled')],
  ['NetworkError', new NetworkError('reset')],
  ['AbortError', new AbortError('aborted')],
  ['ClosedError', new ClosedError('closed')],
  ['CacheLockTimeoutError', new CacheLockTimeoutError('busy')],
  ['CacheLockCompromisedError', new CacheLockCompromisedError('lost')],
  ['CacheDecryptionError', new CacheDecryptionError('tampered')],
  ['UnsafeCacheDirectoryError', new UnsafeCacheDirectoryError('not ours')],
];

describe('IDENTITY_ERROR_CODES', () => {
  it('lists each code of every error class once', () => {
    expect(new Set(IDENTITY_ERROR_CODES).size).toBe(IDENTITY_ERROR_CODES.length);
    for (const [, error] of examples) expect(IDENTITY_ERROR_CODES).toContain(error.code);
  });
});

describe('isCacheError', () => {
  it('accepts the cache errors, which are library errors too', () => {
    for (const [name, error] of examples.filter(([n]) => n.includes('Cache'))) {
      expect([name, isCacheError(error), error instanceof IdentityError]).toEqual([
        name,
        true,
        true,
      ]);
    }
  });

  it('rejects other library errors and foreign ERR_CACHE_ codes', () => {
    expect(isCacheError(new NetworkError('reset'))).toBe(false);
    expect(isCacheError(Object.assign(new Error('x'), { code: 'ERR_CACHE_OTHER' }))).toBe(false);
  });
});

describe('codeOf and describeError', () => {
  it('read a string code off anything thrown, else nothing', () => {
    expect(codeOf(new NetworkError('reset'))).toBe('ERR_NETWORK');
    expect(codeOf(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(codeOf({ code: 42 })).toBeUndefined();
    expect(codeOf(null)).toBeUndefined();
    expect(codeOf('ERR_NETWORK')).toBeUndefined();
  });

  it('describe an error by its code, else its class name, never its message', () => {
    expect(describeError(new ClosedError('secret-in-message'))).toBe('ERR_CLOSED');
    expect(describeError(new TypeError('secret-in-message'))).toBe('TypeError');
    expect(describeError(undefined)).toBe('unknown');
  });
});

describe('IdentityError', () => {
  it.each([
    ['CredentialUnavailableError', 'ERR_CREDENTIAL_UNAVAILABLE'],
    ['AuthenticationError', 'ERR_AUTHENTICATION_FAILED'],
    ['AuthenticationRequiredError', 'ERR_AUTHENTICATION_REQUIRED'],
    ['AggregateAuthenticationError', 'ERR_AGGREGATE_AUTHENTICATION'],
    ['InvalidArgumentError', 'ERR_INVALID_ARGUMENT'],
    ['InvalidResponseError', 'ERR_INVALID_RESPONSE'],
    ['NetworkError', 'ERR_NETWORK'],
    ['AbortError', 'ERR_ABORTED'],
    ['ClosedError', 'ERR_CLOSED'],
  ])('%s has code %s', (name, code) => {
    const error = examples.find(([n]) => n === name)![1];
    expect(error.code).toBe(code);
  });

  it.each(examples)('%s is named after its class and is an Error', (name, error) => {
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(IdentityError);
    expect(error.name).toBe(name);
  });

  it('preserves a native cause', () => {
    const cause = new Error('ECONNRESET');
    expect(new NetworkError('POST failed', { cause }).cause).toBe(cause);
  });

  it('has no cause property when none is given', () => {
    expect('cause' in new NetworkError('POST failed')).toBe(false);
  });

  it('carries Retry-After', () => {
    expect(new NetworkError('busy', { retryAfterMs: 7_000 }).retryAfterMs).toBe(7_000);
  });
});

describe('error names', () => {
  it.each([
    [
      'CredentialUnavailableErrorName',
      CredentialUnavailableErrorName,
      azure.CredentialUnavailableErrorName,
    ],
    ['AuthenticationErrorName', AuthenticationErrorName, azure.AuthenticationErrorName],
    [
      'AggregateAuthenticationErrorName',
      AggregateAuthenticationErrorName,
      azure.AggregateAuthenticationErrorName,
    ],
    [
      'AuthenticationRequiredErrorName',
      AuthenticationRequiredErrorName,
      'AuthenticationRequiredError',
    ],
  ])('%s matches @azure/identity', (_name, ours, theirs) => {
    expect(ours).toBe(theirs);
  });

  it.each([
    [
      'CredentialUnavailableError',
      new CredentialUnavailableError('x'),
      new azure.CredentialUnavailableError('x'),
    ],
    [
      'AuthenticationError',
      new AuthenticationError(400, invalidClient),
      new azure.AuthenticationError(400, { error: 'e', error_description: 'd' }),
    ],
    [
      'AggregateAuthenticationError',
      new AggregateAuthenticationError([]),
      new azure.AggregateAuthenticationError([], 'x'),
    ],
    [
      'AuthenticationRequiredError',
      new AuthenticationRequiredError(['s'], 'x'),
      new azure.AuthenticationRequiredError({ scopes: ['s'] }),
    ],
  ])('an instance of %s has the name @azure/identity gives it', (_name, ours, theirs) => {
    expect(ours.name).toBe(theirs.name);
  });
});

describe('CredentialUnavailableError', () => {
  it('is not transient, so chains move on instead of retrying', () => {
    expect(new CredentialUnavailableError('no tool').transient).toBe(false);
  });
});

describe('AuthenticationError', () => {
  it('formats its message as @azure/identity does', () => {
    expect(new AuthenticationError(401, invalidClient).message).toBe(
      'invalid_client Status code: 401\nMore details:\nAADSTS7000215: Invalid client secret provided.',
    );
  });

  it('carries the status code and the authority’s error response', () => {
    const error = new AuthenticationError(401, invalidClient);
    expect(error.statusCode).toBe(401);
    expect(error.errorResponse).toEqual(invalidClient);
  });

  it.each([
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [408, true],
    [429, true],
    [500, true],
    [501, false],
    [502, true],
    [503, true],
    [504, true],
    [505, false],
  ])('with status %i is transient: %s', (status, transient) => {
    expect(new AuthenticationError(status, invalidClient).transient).toBe(transient);
  });

  it('preserves its cause and Retry-After', () => {
    const cause = new Error('raw');
    const error = new AuthenticationError(503, invalidClient, { cause, retryAfterMs: 2_000 });
    expect(error.cause).toBe(cause);
    expect(error.retryAfterMs).toBe(2_000);
  });
});

describe('AuthenticationError with the anchor’s arguments', () => {
  const oauthBody = {
    error: 'invalid_client',
    error_description: 'AADSTS7000215: Invalid client secret provided.',
    error_codes: [7000215],
    timestamp: '2024-05-01 10:00:00Z',
    trace_id: 'tr4ce',
    correlation_id: 'c0rre1at10n',
  };

  it.each<[string, number, object | string | undefined | null]>([
    ['a raw OAuth body', 401, oauthBody],
    ['a raw OAuth body without the optional fields', 400, { error: 'e', error_description: 'd' }],
    ['the same body as JSON text', 401, JSON.stringify(oauthBody)],
    ['text that is not JSON, status 400', 400, 'Bad Request'],
    ['text that is not JSON, another status', 502, '<html>Bad gateway</html>'],
    ['no body', 503, undefined],
    ['null', 500, null],
    ['an object that is not an OAuth error', 500, { unexpected: true }],
  ])('maps %s as @azure/identity does', (_name, status, body) => {
    const mine = new AuthenticationError(status, body);
    const theirs = new azure.AuthenticationError(status, body);
    expect(mine.errorResponse).toEqual(theirs.errorResponse);
    expect(mine.statusCode).toBe(theirs.statusCode);
    // The anchor ends its message with a stray comma; ours does not.
    expect(mine.message).toBe(theirs.message.replace(/,$/, ''));
  });

  it('treats JSON that is not an OAuth error as text (the anchor leaves every field undefined)', () => {
    expect(new AuthenticationError(500, '{"message":"boom"}').errorResponse).toEqual({
      error: 'unknown_error',
      errorDescription: 'An unknown error has occurred. Response body:\n\n{"message":"boom"}',
    });
  });

  it('maps the snake_case fields to camelCase', () => {
    expect(new AuthenticationError(401, oauthBody).errorResponse).toEqual(invalidClient2);
  });

  it('keeps an ErrorResponse (camelCase) as it is, as before', () => {
    expect(new AuthenticationError(401, invalidClient).errorResponse).toBe(invalidClient);
  });

  it('keeps its code, transient flag and options with either body', () => {
    const error = new AuthenticationError(503, oauthBody, { retryAfterMs: 1_000 });
    expect([error.code, error.transient, error.retryAfterMs]).toEqual([
      'ERR_AUTHENTICATION_FAILED',
      true,
      1_000,
    ]);
    expect(new AuthenticationError(503, 'x', { cause: 'c' }).cause).toBe('c');
  });
});

const invalidClient2: ErrorResponse = {
  error: 'invalid_client',
  errorDescription: 'AADSTS7000215: Invalid client secret provided.',
  errorCodes: [7000215],
  timestamp: '2024-05-01 10:00:00Z',
  traceId: 'tr4ce',
  correlationId: 'c0rre1at10n',
};

describe('AuthenticationRequiredError', () => {
  it('carries the scopes that need interactive authentication', () => {
    expect(new AuthenticationRequiredError(['a', 'b'], 'sign in').scopes).toEqual(['a', 'b']);
  });

  it('takes the anchor’s options: scopes, getTokenOptions, message and cause', () => {
    const cause = new Error('interaction_required');
    const getTokenOptions = { tenantId: 't', claims: 'c' };
    const error = new AuthenticationRequiredError({
      scopes: ['s'],
      getTokenOptions,
      message: 'sign in',
      cause,
    });
    expect([error.scopes, error.getTokenOptions, error.message, error.cause]).toEqual([
      ['s'],
      getTokenOptions,
      'sign in',
      cause,
    ]);
    expect([error.code, error.name]).toEqual([
      'ERR_AUTHENTICATION_REQUIRED',
      AuthenticationRequiredErrorName,
    ]);
  });

  it('has the anchor’s message and no getTokenOptions when given only scopes', () => {
    const error = new AuthenticationRequiredError({ scopes: ['s'] });
    expect([error.message, error.getTokenOptions]).toEqual([
      new azure.AuthenticationRequiredError({ scopes: ['s'] }).message,
      undefined,
    ]);
  });
});

describe('CredentialUnavailableError with the anchor’s arguments', () => {
  it('takes no message, a message, or a message and a cause', () => {
    const cause = new Error('not found');
    expect(new CredentialUnavailableError().message).toBe(
      new azure.CredentialUnavailableError().message,
    );
    expect(new CredentialUnavailableError('no az').message).toBe('no az');
    expect(new CredentialUnavailableError('no az', { cause }).cause).toBe(cause);
  });
});

describe('AggregateAuthenticationError', () => {
  it('lists each error on its own line under the heading', () => {
    const error = new AggregateAuthenticationError([
      new CredentialUnavailableError('EnvironmentCredential is unavailable.'),
      new AuthenticationError(401, invalidClient),
      'a plain string',
    ]);
    expect(error.message.split('\n')).toEqual([
      'ChainedTokenCredential authentication failed.',
      'CredentialUnavailableError: EnvironmentCredential is unavailable.',
      'AuthenticationError: invalid_client Status code: 401',
      'More details:',
      'AADSTS7000215: Invalid client secret provided.',
      'a plain string',
    ]);
  });

  it('takes a custom heading', () => {
    expect(
      new AggregateAuthenticationError([new NetworkError('reset')], 'Chain failed.').message,
    ).toBe('Chain failed.\nNetworkError: reset');
  });

  it('keeps the errors in order', () => {
    const errors = [new NetworkError('a'), new NetworkError('b')];
    expect(new AggregateAuthenticationError(errors).errors).toEqual(errors);
  });
});

describe('NetworkError', () => {
  it('is transient', () => {
    expect(new NetworkError('reset').transient).toBe(true);
  });
});

describe('isIdentityError', () => {
  it.each(examples)('accepts %s', (_name, error) => {
    expect(isIdentityError(error)).toBe(true);
  });

  it('accepts an error of another copy of the library, by code', () => {
    expect(isIdentityError(Object.assign(new Error('x'), { code: 'ERR_NETWORK' }))).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a plain Error', new Error('x')],
    [
      'a Node.js error with an ERR_ code',
      Object.assign(new TypeError('bad'), { code: 'ERR_INVALID_ARG_TYPE' }),
    ],
    [
      'a Node.js TLS error',
      Object.assign(new Error('bad cert'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }),
    ],
    ['a plain object with a code', { code: 'ERR_NETWORK' }],
    ['null', null],
    ['a string', 'ERR_NETWORK'],
  ])('rejects %s', (_name, value) => {
    expect(isIdentityError(value)).toBe(false);
  });
});

describe('isCredentialUnavailableError', () => {
  it('accepts ours', () => {
    expect(isCredentialUnavailableError(new CredentialUnavailableError('x'))).toBe(true);
  });

  it('accepts the @azure/identity error of the same name', () => {
    expect(isCredentialUnavailableError(new azure.CredentialUnavailableError('x'))).toBe(true);
  });

  it('rejects other errors', () => {
    expect(isCredentialUnavailableError(new AuthenticationError(401, invalidClient))).toBe(false);
  });
});

describe('isAuthenticationError', () => {
  it('accepts ours and rejects others', () => {
    expect(isAuthenticationError(new AuthenticationError(401, invalidClient))).toBe(true);
    expect(isAuthenticationError(new NetworkError('x'))).toBe(false);
  });
});

describe('isAuthenticationRequiredError', () => {
  it('accepts ours and rejects others', () => {
    expect(isAuthenticationRequiredError(new AuthenticationRequiredError([], 'x'))).toBe(true);
    expect(isAuthenticationRequiredError(new NetworkError('x'))).toBe(false);
  });
});

describe('isAggregateAuthenticationError', () => {
  it('accepts ours and rejects others', () => {
    expect(isAggregateAuthenticationError(new AggregateAuthenticationError([]))).toBe(true);
    expect(isAggregateAuthenticationError(new NetworkError('x'))).toBe(false);
  });
});

describe('isInvalidArgumentError', () => {
  it('accepts ours and rejects others', () => {
    expect(isInvalidArgumentError(new InvalidArgumentError('x'))).toBe(true);
    expect(isInvalidArgumentError(new InvalidResponseError('x'))).toBe(false);
  });
});

describe('isAbortError', () => {
  it('accepts ours', () => {
    expect(isAbortError(new AbortError('x'))).toBe(true);
  });

  it('accepts any error named AbortError, as @azure/abort-controller throws', () => {
    expect(
      isAbortError(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' })),
    ).toBe(true);
  });

  it('rejects other errors', () => {
    expect(isAbortError(new ClosedError('x'))).toBe(false);
  });
});

describe('isTransientError', () => {
  it.each<[string, unknown, boolean]>([
    ['a 503 AuthenticationError', new AuthenticationError(503, invalidClient), true],
    ['a 429 AuthenticationError', new AuthenticationError(429, invalidClient), true],
    ['a 401 AuthenticationError', new AuthenticationError(401, invalidClient), false],
    ['a NetworkError', new NetworkError('reset'), true],
    ['an InvalidResponseError', new InvalidResponseError('garbled'), false],
    ['a CredentialUnavailableError', new CredentialUnavailableError('x'), false],
    ['a plain Error', new Error('x'), false],
    ['undefined', undefined, false],
  ])('classifies %s as transient: %s', (_name, error, transient) => {
    expect(isTransientError(error)).toBe(transient);
  });
});

describe('isTransientStatus', () => {
  it.each([
    [200, false],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [408, true],
    [429, true],
    [500, true],
    [501, false],
    [502, true],
    [503, true],
    [504, true],
    [505, false],
    [511, true],
  ])('%i → %s', (status, transient) => {
    expect(isTransientStatus(status)).toBe(transient);
  });
});
