import {
  EMULATOR_TENANT_ID,
  EMULATOR_TEST_USER,
  startEmulator,
} from '../../../src/emulator/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import {
  PUBLIC_CLIENT_ID,
  REDIRECT_URI,
  WEB_CLIENT_ID,
  WEB_REDIRECT_URI,
  WEB_SECRET,
  authorizeUrl,
  pkcePair,
  postJson,
  programmaticLocation,
} from '../support/flowHelpers.js';
import { get, json, postForm } from '../support/helpers.js';
import type { HttpResult } from '../support/helpers.js';

const AUTHORIZE_PATH = `/${EMULATOR_TENANT_ID}/oauth2/v2.0/authorize`;
const WRONG_PASSWORD = 'Tr0ub4dor&3-wrong';

describe('authorization endpoint', () => {
  let emulator: Emulator;
  const { challenge } = pkcePair();
  const publicParams = {
    client_id: PUBLIC_CLIENT_ID,
    redirect_uri: 'http://localhost:51234',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };

  beforeAll(async () => {
    emulator = await startEmulator({
      apps: [
        {
          clientId: PUBLIC_CLIENT_ID,
          publicClient: true,
          redirectUris: [REDIRECT_URI],
          displayName: 'Contoso CLI',
        },
        { clientId: WEB_CLIENT_ID, clientSecret: WEB_SECRET, redirectUris: [WEB_REDIRECT_URI] },
        { clientId: 'api-app', apiScopes: ['Files.Read'] },
      ],
    });
  });
  afterAll(() => emulator.stop());

  const pathOf = (url: string) => url.slice(emulator.url.length);
  const signInForm = (extra: Record<string, string>, params = publicParams) =>
    postForm(emulator, AUTHORIZE_PATH, {
      ...Object.fromEntries(new URL(authorizeUrl(emulator, params)).searchParams),
      ...extra,
    });

  it('shows a sign-in form carrying every parameter, prefilled from login_hint', async () => {
    const url = authorizeUrl(emulator, {
      ...publicParams,
      login_hint: 'ada@contoso.test',
      state: '<script>alert(1)</script>',
    });
    const result = await get(emulator, pathOf(url));
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(result.text).toContain(`<form method="post" action="${AUTHORIZE_PATH}">`);
    for (const [name, value] of Object.entries(publicParams)) {
      expect(result.text).toContain(`<input type="hidden" name="${name}" value="${value}">`);
    }
    expect(result.text).toMatch(
      /name="username" autocomplete="username" value="ada@contoso\.test"/,
    );
    expect(result.text).toMatch(/<input type="password" id="password" name="password" [^>]*>/);
    expect(result.text).not.toMatch(/name="password"[^>]*value=/);
    expect(result.text).toContain('name="action" value="approve"');
    expect(result.text).toContain('name="action" value="cancel"');
    expect(result.text).toContain('Contoso CLI');
    expect(result.text).not.toContain('<script>alert(1)</script>');
    expect(result.text).toContain('&lt;script&gt;');
  });

  it('redirects with a code and the state when the user approves', async () => {
    const result = await signInForm({ ...EMULATOR_TEST_USER, action: 'approve' });
    expect(result.status).toBe(302);
    const location = new URL(String(result.headers.location));
    expect(location.origin + location.pathname).toBe('http://localhost:51234/');
    expect(location.searchParams.get('code')).toMatch(/^[\w.-]{40,}$/);
    expect(location.searchParams.get('state')).toBe('state-123');
  });

  it('shows the form again with AADSTS50126 for a wrong password, never echoing it', async () => {
    const result = await signInForm({
      username: EMULATOR_TEST_USER.username,
      password: WRONG_PASSWORD,
      action: 'approve',
    });
    expect(result.status).toBe(200);
    expect(result.text).toContain('AADSTS50126: Error validating credentials');
    expect(result.text).toContain(`value="${EMULATOR_TEST_USER.username}"`);
    expect(result.text).not.toContain('Tr0ub4dor');
    expect(result.headers.location).toBeUndefined();
  });

  it('redirects with access_denied (AADSTS65004) when the user cancels', async () => {
    const result = await signInForm({ action: 'cancel' });
    expect(result.status).toBe(302);
    const location = new URL(String(result.headers.location));
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toMatch(/^AADSTS65004: User declined/);
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it.each([
    ['an unregistered redirect URI', { redirect_uri: 'https://evil.example/cb' }, 50011],
    ['an unknown client', { client_id: '99999999-0000-4000-8000-000000000999' }, 700016],
    ['no client_id', { client_id: '' }, 900144],
  ])('shows a 400 page for %s, never redirecting', async (_name, override, code) => {
    const result = await get(
      emulator,
      pathOf(authorizeUrl(emulator, { ...publicParams, ...override })),
    );
    expect(result.status).toBe(400);
    expect(result.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(result.headers.location).toBeUndefined();
    expect(result.text).toContain(`AADSTS${code}: `);
  });

  it('shows a 400 page for an unknown tenant', async () => {
    const tenant = 'deadbeef-0000-4000-8000-000000000bad';
    const result = await get(emulator, pathOf(authorizeUrl(emulator, publicParams, tenant)));
    expect(result.status).toBe(400);
    expect(result.text).toContain('AADSTS90002: ');
  });

  it.each([
    ['http://localhost:8400', true],
    ['http://localhost:1234/callback?x=1', true],
    ['http://127.0.0.1:1234', false],
    ['https://localhost:1234', false],
  ])('matches %s against a registered http://localhost: %s', async (uri, matches) => {
    const body = { authorizeUrl: authorizeUrl(emulator, { ...publicParams, redirect_uri: uri }) };
    const result = await postJson(emulator, '/_emulator/authorize', body);
    expect(result.status).toBe(matches ? 200 : 400);
    if (!matches) expect(json(result)['error_codes']).toEqual([50011]);
  });

  it.each([
    ['no PKCE from a public client', { code_challenge: undefined }, 'invalid_request', 9002325],
    ['the plain PKCE method', { code_challenge_method: 'plain' }, 'invalid_request', 9002325],
    ['a malformed challenge', { code_challenge: 'short' }, 'invalid_request', 501491],
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type', 700054],
    ['no scope', { scope: '' }, 'invalid_request', 900144],
    [
      'two resources',
      {
        scope:
          'https://storage.azure.com/user_impersonation https://vault.azure.net/user_impersonation',
      },
      'invalid_scope',
      28000,
    ],
    [
      'a scope the API does not expose',
      { scope: 'api://api-app/Files.Write' },
      'invalid_scope',
      70011,
    ],
    ['prompt=none', { prompt: 'none' }, 'login_required', 50058],
  ])('redirects %s back with an error', async (_name, override, error, code) => {
    const params = { ...publicParams, ...override };
    const location = await programmaticLocation(emulator, {
      authorizeUrl: authorizeUrl(emulator, params),
    });
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('error_description')).toMatch(new RegExp(`^AADSTS${code}: `));
    expect(location.searchParams.get('state')).toBe('state-123');
  });

  it('lets a confidential client skip PKCE', async () => {
    const params = { client_id: WEB_CLIENT_ID, redirect_uri: WEB_REDIRECT_URI };
    const location = await programmaticLocation(emulator, {
      authorizeUrl: authorizeUrl(emulator, params),
    });
    expect(location.origin + location.pathname).toBe(WEB_REDIRECT_URI);
    expect(location.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('puts the answer in the fragment for response_mode=fragment', async () => {
    const url = authorizeUrl(emulator, { ...publicParams, response_mode: 'fragment' });
    const location = await programmaticLocation(emulator, { authorizeUrl: url });
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get('code')).toEqual(expect.any(String));
    expect(location.search).toBe('');
  });

  it('answers response_mode=form_post with a page that posts the code and state to the redirect URI', async () => {
    const url = authorizeUrl(emulator, {
      ...publicParams,
      response_mode: 'form_post',
      state: 's-1',
    });
    const page = await postForm(emulator, AUTHORIZE_PATH, {
      ...Object.fromEntries(new URL(url).searchParams),
      username: EMULATOR_TEST_USER.username,
      password: EMULATOR_TEST_USER.password,
      action: 'approve',
    });
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<form method="post" action="http://localhost:51234/"`);
    expect(page.text).toMatch(/<input type="hidden" name="code" value="[^"]+">/);
    expect(page.text).toContain('<input type="hidden" name="state" value="s-1">');
    const programmatic = json(
      await postJson(emulator, '/_emulator/authorize', { authorizeUrl: url }),
    );
    expect(programmatic).toMatchObject({
      responseMode: 'form_post',
      formPost: { action: 'http://localhost:51234/', fields: { state: 's-1' } },
    });
  });

  describe('POST /_emulator/authorize', () => {
    const url = () => authorizeUrl(emulator, publicParams);

    it('accepts a form body as well as JSON', async () => {
      const result = await postForm(emulator, '/_emulator/authorize', { authorizeUrl: url() });
      expect(result.status).toBe(200);
      expect(new URL(String(json(result)['location'])).searchParams.get('code')).toBeTruthy();
    });

    it.each([
      ['a wrong password', { username: EMULATOR_TEST_USER.username, password: WRONG_PASSWORD }],
      ['an unknown user', { username: 'nobody@contoso.test' }],
    ])('answers 400 AADSTS50126 for %s', async (_name, answer) => {
      const result = await postJson(emulator, '/_emulator/authorize', {
        authorizeUrl: url(),
        ...answer,
      });
      expectError(result, 400, 'invalid_grant', 50126);
      expect(result.text).not.toContain(WRONG_PASSWORD);
    });

    it('answers a cancel with the access_denied redirect', async () => {
      const location = await programmaticLocation(emulator, {
        authorizeUrl: url(),
        action: 'cancel',
      });
      expect(location.searchParams.get('error')).toBe('access_denied');
    });

    it.each([
      ['no authorizeUrl', {}, 900144],
      ['a URL that is not an authorize endpoint', { authorizeUrl: 'https://x.test/a/b' }, 90100],
    ])('answers 400 for %s', async (_name, body, code) => {
      expectError(
        await postJson(emulator, '/_emulator/authorize', body),
        400,
        'invalid_request',
        code,
      );
    });

    it('counts under the authorize route', async () => {
      emulator.counters.reset();
      await postJson(emulator, '/_emulator/authorize', { authorizeUrl: url() });
      await get(emulator, pathOf(url()));
      expect(emulator.counters.get('authorize')).toBe(2);
    });
  });
});

function expectError(result: HttpResult, status: number, error: string, code: number): void {
  expect(result.status).toBe(status);
  expect(json(result)).toMatchObject({ error, error_codes: [code] });
}
