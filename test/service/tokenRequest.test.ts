import {
  MAX_REQUEST_TARGET_LENGTH,
  parseTokenRequest,
  toScope,
} from '../../src/service/tokenRequest.js';
import { normalizeResource, ResourceAllowList } from '../../src/service/resourceAllowList.js';

const GUID = '0f0e0d0c-0b0a-4908-8706-050403020100';
const RES_ID =
  `/subscriptions/${GUID}/resourceGroups/rg-1/providers/` +
  'Microsoft.ManagedIdentity/userAssignedIdentities/id-1';
const parse = (query: string) => {
  const target = `/msi/token?${query}`;
  return parseTokenRequest(new URL(target, 'http://127.0.0.1'), target.length);
};
const V = 'api-version=2019-08-01';

describe('parseTokenRequest', () => {
  it('reads the resource, its scope and the identity a request names', () => {
    expect(parse(`resource=https://vault.azure.net&${V}`)).toEqual({
      resource: 'https://vault.azure.net',
      scope: 'https://vault.azure.net/.default',
      selector: undefined,
    });
    expect(parse(`resource=${GUID}&${V}&principal_id=${GUID}`)).toMatchObject({
      scope: `${GUID}/.default`,
      selector: { kind: 'objectId', param: 'principal_id', value: GUID },
    });
    expect(parse(`resource=api://app&${V}&mi_res_id=${encodeURIComponent(RES_ID)}`)).toMatchObject({
      selector: { kind: 'resourceId', value: RES_ID },
    });
  });

  it.each([
    ['', 'missing-resource'],
    [`${V}`, 'missing-resource'],
    [`resource=&${V}`, 'empty-parameter'],
    ['resource=https://vault.azure.net', 'bad-api-version'],
    ['resource=https://vault.azure.net&api-version=2018-02-01', 'bad-api-version'],
    [`resource=https://vault.azure.net%20x&${V}`, 'malformed-resource'],
    [`resource=${'a'.repeat(600)}&${V}`, 'malformed-resource'],
    [`resource=a&resource=b&${V}`, 'repeated-parameter'],
    [`resource=a&${V}&${V}`, 'repeated-parameter'],
    [`resource=a&${V}&client_id=x`, 'malformed-identity'],
    [`resource=a&${V}&mi_res_id=/subscriptions/x`, 'malformed-identity'],
    [`resource=a&${V}&client_id=${GUID}&mi_res_id=${RES_ID}`, 'conflicting-identity'],
    [`resource=a&${V}&pad=${'x'.repeat(MAX_REQUEST_TARGET_LENGTH)}`, 'oversized'],
  ])('refuses %j with 400 %s', (query, reason) => {
    expect(parse(query)).toMatchObject({ status: 400, reason, message: expect.any(String) });
  });

  it.each([
    [
      'msi_res_id',
      encodeURIComponent(RES_ID),
      /'msi_res_id' \(App Service's name is 'mi_res_id'\)/,
    ],
    ['clientid', GUID, /'clientid' \(App Service's name is 'client_id'\)/],
    ['client-id', GUID, /'client-id' \(App Service's name is 'client_id'\)/],
    ['Client_Id', GUID, /'Client_Id' \(App Service's name is 'client_id'\)/],
    ['principalid', GUID, /'principalid' \(App Service's name is 'principal_id'\)/],
    ['objectid', GUID, /'objectid' \(App Service's name is 'object_id'\)/],
    ['clinet_id', GUID, /^Unknown query parameter 'clinet_id'; the token endpoint takes /],
    ['%3Cscript%3E', GUID, /^The request has a query parameter other than resource, /],
  ])(
    'refuses an unknown parameter %s with 400 unknown-parameter, never its value',
    (name, value, message) => {
      const refusal = parse(`resource=https://vault.azure.net&${V}&${name}=${value}`);
      expect(refusal).toMatchObject({
        status: 400,
        reason: 'unknown-parameter',
        message: expect.stringMatching(message),
        resource: 'https://vault.azure.net',
      });
      expect(JSON.stringify(refusal)).not.toContain(GUID);
      expect(JSON.stringify(refusal)).not.toContain('userAssignedIdentities');
      expect(JSON.stringify(refusal)).not.toContain('<script>');
    },
  );

  it('refuses a parameter with no name or no value outside the protocol', () => {
    expect(parse(`resource=https://x&${V}&=x`)).toMatchObject({ reason: 'unknown-parameter' });
    expect(parse(`resource=https://x&${V}&debug`)).toMatchObject({
      reason: 'unknown-parameter',
      message: expect.stringMatching(/'debug'/),
    });
  });

  it('never echoes a malformed value in its message', () => {
    const refusal = parse(`resource=https://x&${V}&client_id=%3Cscript%3E`);
    expect(JSON.stringify(refusal)).not.toContain('<script>');
  });
});

describe('toScope', () => {
  it.each([
    ['https://vault.azure.net', 'https://vault.azure.net/.default'],
    ['https://management.core.windows.net/', 'https://management.core.windows.net//.default'],
    ['https://graph.microsoft.com/.default', 'https://graph.microsoft.com/.default'],
  ])('%s -> %s', (resource, scope) => expect(toScope(resource)).toBe(scope));
});

describe('ResourceAllowList', () => {
  it('compares resources without case, trailing slash or /.default', () => {
    const list = new ResourceAllowList(['https://Vault.azure.net/']);
    expect(list.allows('https://vault.azure.net')).toBe(true);
    expect(list.allows('https://vault.azure.net/.default')).toBe(true);
    expect(list.allows('https://storage.azure.com')).toBe(false);
    expect(new ResourceAllowList([]).allows('anything')).toBe(true);
    expect(normalizeResource('HTTPS://A/B//')).toBe('https://a/b');
  });
});
