/**
 * InteractiveBrowserCredential with bad input, a row each: where it fails (construction or
 * getToken) and with what; ./badInput.test.ts runs the table with test/support/badInput.ts.
 */
import { InteractiveBrowserCredential } from '../../../src/index.js';
import { EMULATOR_TEST_USER } from '../../../src/emulator/index.js';
import {
  PUBLIC_APP,
  UNKNOWN_TENANT,
  MALFORMED_TENANT,
  HTTP_AUTHORITY,
  GRAPH,
  MALFORMED_TENANT_MESSAGE,
  HTTP_AUTHORITY_MESSAGE,
  type Kit,
  type Row,
} from '../../support/badInput.js';
import { emulatorRequest, playBrowser } from '../../support/userFlows.js';
import { until } from '../../support/until.js';

const browserCredential = (
  k: Kit,
  browser: (url: string) => Promise<void>,
  options: object = {},
): InteractiveBrowserCredential =>
  new InteractiveBrowserCredential({
    ...k.options,
    tenantId: k.em.tenantId,
    clientId: PUBLIC_APP,
    loginHint: EMULATOR_TEST_USER.username,
    browser,
    ...options,
  });

export const interactiveBrowserRows: Row[] = [
  {
    name: 'a malformed tenant id',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: MALFORMED_TENANT_MESSAGE,
    scenario: (k) => ({
      make: () => browserCredential(k, async () => {}, { tenantId: MALFORMED_TENANT }),
    }),
  },
  {
    name: 'a non-https authority host',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: HTTP_AUTHORITY_MESSAGE,
    scenario: (k) => ({
      make: () => browserCredential(k, async () => {}, { authorityHost: HTTP_AUTHORITY }),
    }),
  },
  {
    // The authority shows its error on the sign-in page; the credential gives up at its timeout.
    name: 'a tenant the authority does not know (AADSTS90002 on the page, then the timeout)',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: { error: 'access_denied' },
    virtualTime: true,
    scenario: (k) => {
      const pages: { status: number; text: string }[] = [];
      return {
        make: () =>
          browserCredential(
            k,
            async (url) => {
              pages.push(await emulatorRequest(k.em, url));
            },
            { tenantId: UNKNOWN_TENANT, timeoutMs: 60_000 },
          ),
        scope: GRAPH,
        drive: async () => {
          await until(() => pages.length === 1, 'the sign-in page');
          expect(pages[0]).toMatchObject({
            status: 400,
            text: expect.stringContaining('AADSTS90002'),
          });
          await k.clock!.advance(60_000);
        },
      };
    },
  },
  {
    name: 'a redirectUri that is not a URL',
    code: 'ERR_INVALID_ARGUMENT',
    failsAt: 'construction',
    message: /redirectUri "not a url" is not a URL/,
    scenario: (k) => ({
      make: () => browserCredential(k, async () => {}, { redirectUri: 'not a url' }),
      scope: GRAPH,
    }),
  },
  {
    name: 'a user who cancels the sign-in',
    code: 'ERR_AUTHENTICATION_FAILED',
    failsAt: 'getToken',
    authority: { error: 'access_denied' },
    scenario: (k) => ({
      make: () =>
        browserCredential(k, (url) =>
          playBrowser(k.em, url, { ...EMULATOR_TEST_USER, action: 'cancel' }),
        ),
      scope: GRAPH,
      secrets: [EMULATOR_TEST_USER.password],
    }),
  },
];
