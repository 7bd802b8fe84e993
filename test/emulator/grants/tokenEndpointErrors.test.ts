import { EMULATOR_TENANT_ID, startEmulator } from '../../../src/emulator/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  clientCredentialsForm,
  get,
  json,
  postForm,
  tokenPath,
} from '../support/helpers.js';

const NOW_MS = Date.UTC(2030, 5, 7, 8, 9, 10);
const CORRELATION_ID = '11111111-2222-4333-8444-555555555555';
const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const UNKNOWN_CLIENT = '99999999-0000-4000-8000-000000000999';
const WRONG_SECRET = 'not-the-right-secret-XYZ';
const UNKNOWN_TENANT = 'deadbeef-0000-4000-8000-000000000bad';

interface ErrorCase {
  name: string;
  tenant?: string;
  form: Record<string, string>;
  status: number;
  error: string;
  code: number;
  message: string;
}

const cases: ErrorCase[] = [
  {
    name: 'a wrong secret',
    form: clientCredentialsForm({ client_secret: WRONG_SECRET }),
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    message: 'Invalid client secret provided. Ensure the secret being sent in the request is the',
  },
  {
    name: 'a missing secret',
    form: { grant_type: 'client_credentials', client_id: CLIENT_ID, scope: 'api://x/.default' },
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    message: 'Invalid client secret provided.',
  },
  {
    name: 'an unknown client',
    form: clientCredentialsForm({ client_id: UNKNOWN_CLIENT }),
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    message: `Application with identifier '${UNKNOWN_CLIENT}' was not found in the directory '${EMULATOR_TENANT_ID}'.`,
  },
  {
    name: 'a scope without /.default',
    form: clientCredentialsForm({ scope: 'https://graph.microsoft.com/User.Read' }),
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    message: 'The provided value for scope https://graph.microsoft.com/User.Read is not valid.',
  },
  {
    name: 'only OpenID scopes',
    form: clientCredentialsForm({ scope: 'openid profile' }),
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    message: 'The provided value for scope openid profile is not valid.',
  },
  {
    name: 'two resources',
    form: clientCredentialsForm({
      scope: 'https://storage.azure.com/.default https://vault.azure.net/.default',
    }),
    status: 400,
    error: 'invalid_scope',
    code: 28000,
    message: 'Provided value for the input parameter scope is not valid because it contains more',
  },
  {
    name: 'an unknown resource form',
    form: clientCredentialsForm({ scope: 'not-a-resource/.default' }),
    status: 400,
    error: 'invalid_resource',
    code: 500011,
    message: 'The resource principal named not-a-resource was not found',
  },
  {
    name: 'an unknown tenant',
    tenant: UNKNOWN_TENANT,
    form: clientCredentialsForm(),
    status: 400,
    error: 'invalid_request',
    code: 90002,
    message: `Tenant '${UNKNOWN_TENANT}' not found.`,
  },
  {
    name: 'the common endpoint',
    tenant: 'common',
    form: clientCredentialsForm(),
    status: 400,
    error: 'invalid_request',
    code: 50059,
    message: 'No tenant-identifying information found',
  },
  {
    name: 'an unsupported grant',
    form: clientCredentialsForm({ grant_type: 'urn:example:unsupported' }),
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    message: "The app requested an unsupported grant type 'urn:example:unsupported'.",
  },
  {
    name: 'a missing grant type',
    form: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
    status: 400,
    error: 'invalid_request',
    code: 900144,
    message: "The request body must contain the following parameter: 'grant_type'.",
  },
  {
    name: 'a missing scope',
    form: { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
    status: 400,
    error: 'invalid_request',
    code: 900144,
    message: "The request body must contain the following parameter: 'scope'.",
  },
];

describe('token endpoint errors', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({
      apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
      now: () => NOW_MS,
    });
  });
  afterAll(() => emulator.stop());

  it.each(cases)('answers $status $error ($code) for $name', async (c) => {
    const result = await postForm(emulator, tokenPath(c.tenant), c.form, {
      'client-request-id': CORRELATION_ID,
    });
    expect(result.status).toBe(c.status);
    expect(result.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = json(result);
    expect(body).toMatchObject({
      error: c.error,
      error_codes: [c.code],
      timestamp: '2030-06-07 08:09:10Z',
      correlation_id: CORRELATION_ID,
    });
    const description = String(body['error_description']);
    expect(description.startsWith(`AADSTS${c.code}: ${c.message}`)).toBe(true);
    expect(description).toMatch(
      new RegExp(
        `\\r\\nTrace ID: ${GUID}\\r\\nCorrelation ID: ${CORRELATION_ID}\\r\\nTimestamp: 2030-06-07 08:09:10Z$`,
      ),
    );
    expect(body['trace_id']).toMatch(new RegExp(`^${GUID}$`));
    expect(typeof body['error_uri']).toBe('string');
    expect(result.text).not.toContain(CLIENT_SECRET);
    expect(result.text).not.toContain(WRONG_SECRET);
  });

  it('never echoes a wrong secret sent with HTTP Basic', async () => {
    const form = clientCredentialsForm();
    delete form['client_secret'];
    const basic = Buffer.from(`${CLIENT_ID}:${WRONG_SECRET}`).toString('base64');
    const result = await postForm(emulator, tokenPath(), form, { Authorization: `Basic ${basic}` });
    expect(result.status).toBe(401);
    expect(json(result)['error_codes']).toEqual([7000215]);
    expect(result.text).not.toContain(WRONG_SECRET);
  });

  it('takes the correlation id from the body, as MSAL Node sends it', async () => {
    const form = clientCredentialsForm({
      client_secret: WRONG_SECRET,
      'client-request-id': CORRELATION_ID,
    });
    const result = await postForm(emulator, tokenPath(), form);
    expect(json(result)['correlation_id']).toBe(CORRELATION_ID);
    expect(result.headers['client-request-id']).toBe(CORRELATION_ID);
  });

  it('makes up a correlation id when the client sends none', async () => {
    const result = await postForm(emulator, tokenPath(), clientCredentialsForm({ scope: 'x' }));
    const id = json(result)['correlation_id'];
    expect(id).toMatch(new RegExp(`^${GUID}$`));
    expect(result.headers['client-request-id']).toBe(id);
  });

  it('rejects the app in a tenant it is not registered in', async () => {
    const tenant = '0c0ffee0-0000-4000-8000-000000000002';
    emulator.registerApp({ clientId: 'another-app', clientSecret: 'x', tenantId: tenant });
    const result = await postForm(emulator, tokenPath(tenant), clientCredentialsForm());
    expect(result.status).toBe(400);
    expect(json(result)['error_codes']).toEqual([700016]);
  });

  it('answers a GET on the token endpoint with AADSTS900561', async () => {
    const result = await get(emulator, tokenPath());
    expect(result.status).toBe(400);
    expect(json(result)['error_codes']).toEqual([900561]);
  });

  it('answers an unknown path with a 404 JSON error', async () => {
    const result = await get(emulator, '/nothing/here');
    expect(result.status).toBe(404);
    expect(json(result)).toMatchObject({ error: 'not_found', error_codes: [] });
  });
});
