import {
  deserializeAuthenticationRecord,
  serializeAuthenticationRecord,
  type AuthenticationRecord,
} from '../../../src/index.js';

const record: AuthenticationRecord = {
  authority: 'https://login.microsoftonline.com/72f988bf-0000-4000-8000-00000000e1d0',
  homeAccountId: 'uid.utid',
  clientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
  tenantId: '72f988bf-0000-4000-8000-00000000e1d0',
  username: 'ada@contoso.test',
  version: '1.0',
};

describe('serializeAuthenticationRecord', () => {
  it('round-trips through deserializeAuthenticationRecord', () => {
    expect(deserializeAuthenticationRecord(serializeAuthenticationRecord(record))).toEqual(record);
  });
});

describe('deserializeAuthenticationRecord', () => {
  it.each([
    ['not JSON', '{'],
    ['another version', JSON.stringify({ ...record, version: '2.0' })],
    ['no version', JSON.stringify({ ...record, version: undefined })],
    ['a missing homeAccountId', JSON.stringify({ ...record, homeAccountId: '' })],
    ['null', 'null'],
  ])('refuses %s with InvalidArgumentError', (_name, text) => {
    expect(() => deserializeAuthenticationRecord(text)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});
