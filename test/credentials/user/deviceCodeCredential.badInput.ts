/**
 * DeviceCodeCredential with bad input, a row each: where it fails (construction or
 * getToken) and with what; ./badInput.test.ts runs the table with test/support/badInput.ts.
 */
import { DeviceCodeCredential } from '../../../src/index.js';
import {
  PUBLIC_APP,
  UNKNOWN_TENANT,
  MALFORMED_TENANT,
  HTTP_AUTHORITY,
  GRAPH,
  unknownTenant,
  requiredParameter,
  MALFORMED_TENANT_MESSAGE,
  HTTP_AUTHORITY_MESSAGE,
  type Kit,
  type Row,
} from '../../support/badInput.js';

const required = requiredParameter('DeviceCodeCredential');

/** A device code credential of the public app whose prompt does `onPrompt`. */
const deviceCode = (
  k: Kit,
  onPrompt: (userCode: string) => void,
  options: { tenantId?: string; authorityHost?: string } = {},
): DeviceCodeCredential =>
  new DeviceCodeCredential({
    ...k.options,
    tenantId: k.em.tenantId,
    clientId: PUBLIC_APP,
    userPromptCallback: (info) => onPrompt(info.userCode),
    ...options,
  });

export const deviceCodeRows: Row[] = [
  {
    name: 'an empty clientId',
    code: 'ERR_CREDENTIAL_UNAVAILABLE',
    failsAt: 'construction',
    message: required('clientId'),
    scenario: (k) => ({
      make: () =>
        new DeviceCodeCredential({
          ...k.options,
          tenantId: k.em.tenantId,
          clientId: '',
          userPromptCallback: () => {},
        }),
      scope: GRAPH,
    }),
  },
  {
    name: 'a malformed tenant id',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: MALFORMED_TENANT_MESSAGE,
    scenario: (k) => ({ make: () => deviceCode(k, () => {}, { tenantId: MALFORMED_TENANT }) }),
  },
  {
    name: 'a non-https authority host',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: HTTP_AUTHORITY_MESSAGE,
    scenario: (k) => ({ make: () => deviceCode(k, () => {}, { authorityHost: HTTP_AUTHORITY }) }),
  },
  {
    name: 'a tenant the authority does not know',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: unknownTenant,
    scenario: (k) => ({
      make: () => deviceCode(k, () => {}, { tenantId: UNKNOWN_TENANT }),
      scope: GRAPH,
    }),
  },
  {
    name: 'a denied device code',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: { error: 'authorization_declined' },
    scenario: (k) => ({
      make: () => deviceCode(k, (userCode) => k.em.denyDeviceCode(userCode)),
      scope: GRAPH,
    }),
  },
  {
    name: 'an expired device code',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: { error: 'expired_token' },
    scenario: (k) => ({
      make: () =>
        deviceCode(k, () => {
          k.skew(3_600_000);
        }),
      scope: GRAPH,
    }),
  },
];
