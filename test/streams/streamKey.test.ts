import { InvalidArgumentError } from '../../src/errors.js';
import {
  normalizeScopes,
  streamKeyId,
  toStreamKey,
  type CredentialIdentity,
  type TokenRequest,
} from '../../src/streams/streamKey.js';

const STORAGE = 'https://storage.azure.com/.default';
const VAULT = 'https://vault.azure.net/.default';
const FINGERPRINT = 'Zm9vYmFyLWZpbmdlcnByaW50';
const identity: CredentialIdentity = {
  kind: 'ClientSecretCredential',
  id: `ClientSecretCredential|https://login.example|tenant-a|client-1|${FINGERPRINT}`,
  label: 'ClientSecretCredential(client-1)',
};
const request = (overrides: Partial<TokenRequest> = {}): TokenRequest => ({
  scopes: [STORAGE],
  enableCae: false,
  ...overrides,
});

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const circular: Record<string, unknown> = {};
circular.self = circular;

describe('normalizeScopes', () => {
  it('wraps a single scope string in an array', () => {
    expect(normalizeScopes(STORAGE)).toEqual([STORAGE]);
  });

  it('sorts scopes', () => {
    expect(normalizeScopes([VAULT, STORAGE])).toEqual([STORAGE, VAULT]);
  });

  it('removes duplicates', () => {
    expect(normalizeScopes([VAULT, STORAGE, VAULT, STORAGE])).toEqual([STORAGE, VAULT]);
  });

  it('does not change the caller’s array', () => {
    const scopes = [VAULT, STORAGE, VAULT];
    normalizeScopes(scopes);
    expect(scopes).toEqual([VAULT, STORAGE, VAULT]);
  });

  it.each<[string, unknown]>([
    ['an empty array', []],
    ['an empty string', ''],
    ['a blank string', ' '],
    ['a scope with a space', 'a b'],
    ['a scope with a newline', 'a\nb'],
    ['a scope with a tab', 'a\tb'],
    ['a scope with a control character', 'a\u0000b'],
    ['a non-string scope', 42],
    ['null', null],
    ['undefined', undefined],
    ['an array with an empty string', [STORAGE, '']],
    ['an array with a blank string', [' ']],
    ['an array with a spaced scope', ['a b']],
    ['an array with a newline', [`${STORAGE}\n`]],
    ['an array with a number', [STORAGE, 42]],
    ['an array with null', [null]],
    ['an array with an object', [{ scope: STORAGE }]],
    ['an array with a bigint', [10n]],
    ['an array with a circular object', [circular]],
    // eslint-disable-next-line no-sparse-arrays
    ['a sparse array', [, STORAGE]],
  ])('rejects %s with InvalidArgumentError', (_name, input) => {
    const error = thrown(() => normalizeScopes(input as string[]));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', name: 'InvalidArgumentError' });
  });

  it('explains what a valid scope looks like', () => {
    expect(() => normalizeScopes('a b')).toThrow(/non-empty string without whitespace/);
  });
});

describe('streamKeyId', () => {
  it('equals the id of the key toStreamKey builds', () => {
    expect(streamKeyId(identity, request())).toBe(toStreamKey(identity, request(), 'i1').id);
  });
});

describe('toStreamKey', () => {
  it('is stable for equal requests', () => {
    expect(toStreamKey(identity, request(), 'i1')).toEqual(toStreamKey(identity, request(), 'i1'));
  });

  it('keeps the request fields and the credential kind', () => {
    expect(
      toStreamKey(identity, request({ tenantId: 'tenant-b', enableCae: true }), 'i1'),
    ).toMatchObject({
      scopes: [STORAGE],
      tenantId: 'tenant-b',
      enableCae: true,
      credential: 'ClientSecretCredential',
      identity: 'i1',
    });
  });

  it('distinguishes tenants', () => {
    const ids = [undefined, 'tenant-a', 'tenant-b'].map(
      (tenantId) => toStreamKey(identity, request({ tenantId }), 'i1').id,
    );
    expect(new Set(ids).size).toBe(3);
  });

  it('distinguishes CAE from non-CAE', () => {
    expect(toStreamKey(identity, request({ enableCae: true }), 'i1').id).not.toBe(
      toStreamKey(identity, request({ enableCae: false }), 'i1').id,
    );
  });

  it('distinguishes scope sets', () => {
    expect(toStreamKey(identity, request({ scopes: [STORAGE] }), 'i1').id).not.toBe(
      toStreamKey(identity, request({ scopes: [STORAGE, VAULT] }), 'i1').id,
    );
  });

  it('distinguishes identities', () => {
    const other = { ...identity, id: identity.id.replace(FINGERPRINT, 'b3RoZXItZmluZ2VycHJpbnQ') };
    expect(toStreamKey(identity, request(), 'i1').id).not.toBe(
      toStreamKey(other, request(), 'i1').id,
    );
  });

  it('starts the id with the identity id, so an identity’s keys can be found', () => {
    expect(toStreamKey(identity, request(), 'i1').id.startsWith(`${identity.id}|`)).toBe(true);
  });

  it('builds a readable label from the identity label, tenant, CAE flag and scopes', () => {
    expect(
      toStreamKey(identity, request({ tenantId: 'tenant-b', enableCae: true }), 'i1').label,
    ).toBe(`ClientSecretCredential(client-1) tenant-b cae ${STORAGE}`);
  });

  it('never puts the identity id or its fingerprint in the label', () => {
    const { label } = toStreamKey(identity, request({ tenantId: 'tenant-a' }), 'i1');
    expect(label).not.toContain(FINGERPRINT);
    expect(label).not.toContain(identity.id);
  });
});
