import { decodeJwt } from 'jose';
import {
  FEDERATED_TOKEN_AUDIENCE,
  JWT_BEARER_ASSERTION_TYPE,
  startEmulator,
} from '../../../src/emulator/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import type { HttpResult } from '../support/helpers.js';
import { STORAGE_SCOPE, get, json, postForm, send, tokenPath } from '../support/helpers.js';

const NOW_MS = Date.UTC(2030, 9, 11, 12, 13, 14);
const SYSTEM_TOKEN = 'eyJ0eXAi.system-access-token.value';
const CONNECTION = '9c0d1e2f-0000-4000-8000-00000000c0de';
const PIPELINE_CLIENT = '0d1e2f3a-0000-4000-8000-0000000000f8';
const SUBJECT = `sc://emulator-org/emulator-project/${CONNECTION}`;

describe('Azure Pipelines OIDC endpoint', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({
      now: () => NOW_MS,
      pipelines: { systemAccessToken: SYSTEM_TOKEN, serviceConnections: [{ id: CONNECTION }] },
    });
    emulator.registerApp({
      clientId: PIPELINE_CLIENT,
      federatedCredentials: [{ issuer: emulator.issuers.azureDevOps, subject: SUBJECT }],
    });
  });
  afterAll(() => emulator.stop());
  beforeEach(() => emulator.faults.clear());

  function oidc(
    query: Record<string, string> = { 'api-version': '7.1', serviceConnectionId: CONNECTION },
    headers: Record<string, string | undefined> = {},
    method = 'POST',
  ): Promise<HttpResult> {
    const all: Record<string, string | undefined> = {
      Authorization: `Bearer ${SYSTEM_TOKEN}`,
      'Content-Type': 'application/json',
      'X-TFS-FedAuthRedirect': 'Suppress',
      ...headers,
    };
    const sent = Object.fromEntries(
      Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const url = `${emulator.pipelines.oidcRequestUri}?${new URLSearchParams(query).toString()}`;
    return send(emulator, url, { method, headers: sent });
  }

  function expectDevopsHeaders(result: HttpResult): void {
    expect(result.headers['x-vss-e2eid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.headers['x-msedge-ref']).toMatch(/^Ref A: /);
  }

  it('exposes SYSTEM_OIDCREQUESTURI and the access token', () => {
    const { oidcRequestUri, systemAccessToken } = emulator.pipelines;
    expect(oidcRequestUri).toMatch(
      new RegExp(
        `^${emulator.url}/emulator-org/[0-9a-f-]{36}/_apis/distributedtask/hubs/build/plans/` +
          '[0-9a-f-]{36}/jobs/[0-9a-f-]{36}/oidctoken$',
      ),
    );
    expect(systemAccessToken).toBe(SYSTEM_TOKEN);
    expect(emulator.pipelines.env()).toEqual({
      SYSTEM_OIDCREQUESTURI: oidcRequestUri,
      SYSTEM_ACCESSTOKEN: SYSTEM_TOKEN,
    });
  });

  it('mints an OIDC token that the token endpoint accepts as a federated assertion', async () => {
    const result = await oidc();
    expect(result.status).toBe(200);
    expectDevopsHeaders(result);
    const body = json(result);
    expect(Object.keys(body)).toEqual(['oidcToken']);
    const assertion = String(body['oidcToken']);
    expect(decodeJwt(assertion)).toMatchObject({
      iss: emulator.issuers.azureDevOps,
      sub: SUBJECT,
      aud: FEDERATED_TOKEN_AUDIENCE,
      iat: NOW_MS / 1000,
      exp: NOW_MS / 1000 + 600,
    });
    const token = await postForm(emulator, tokenPath(), {
      grant_type: 'client_credentials',
      client_id: PIPELINE_CLIENT,
      scope: STORAGE_SCOPE,
      client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
      client_assertion: assertion,
    });
    expect(token.status).toBe(200);
  });

  it.each([
    ['no Authorization', undefined],
    ['a wrong bearer token', 'Bearer wrong-token-value-456'],
    ['Basic credentials', `Basic ${Buffer.from(`:${SYSTEM_TOKEN}`).toString('base64')}`],
  ])('answers 401 for %s, echoing no token', async (_name, authorization) => {
    const result = await oidc(undefined, { Authorization: authorization });
    expect(result.status).toBe(401);
    expectDevopsHeaders(result);
    expect(result.headers['content-type']).toMatch(/^text\/html/);
    expect(result.headers['www-authenticate']).toContain('Bearer');
    expect(result.text).not.toContain(SYSTEM_TOKEN);
    expect(result.text).not.toContain('wrong-token-value-456');
  });

  it('redirects to a sign-in page without X-TFS-FedAuthRedirect: Suppress', async () => {
    const result = await oidc(undefined, {
      Authorization: undefined,
      'X-TFS-FedAuthRedirect': undefined,
    });
    expect(result.status).toBe(302);
    expectDevopsHeaders(result);
    const location = String(result.headers['location']);
    expect(location.startsWith(`${emulator.url}/_signin?`)).toBe(true);
    const page = await get(emulator, location);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/^<!DOCTYPE html>/);
    expect(page.text).not.toContain('oidcToken');
  });

  it('answers 404 for an unknown service connection', async () => {
    const result = await oidc({ 'api-version': '7.1', serviceConnectionId: 'nope' });
    expect(result.status).toBe(404);
    expectDevopsHeaders(result);
    expect(json(result)).toMatchObject({
      $id: '1',
      message: expect.stringContaining("'nope'"),
      typeKey: 'ServiceEndpointNotFoundException',
    });
  });

  it.each<[string, Record<string, string>, Record<string, string>, string, number, string]>([
    ['no api-version', { serviceConnectionId: CONNECTION }, {}, 'POST', 400, 'api-version'],
    ['no serviceConnectionId', { 'api-version': '7.1' }, {}, 'POST', 400, 'serviceConnectionId'],
    [
      'a form content type',
      { 'api-version': '7.1', serviceConnectionId: CONNECTION },
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      'POST',
      415,
      'application/json',
    ],
    [
      'GET',
      { 'api-version': '7.1', serviceConnectionId: CONNECTION },
      {},
      'GET',
      405,
      "method 'GET'",
    ],
  ])('refuses %s', async (_name, query, headers, method, status, message) => {
    const result = await oidc(query, headers, method);
    expect(result.status).toBe(status);
    expect(String(json(result)['message'])).toContain(message);
  });

  it('registers service connections after start, subject defaulted', async () => {
    const added = emulator.pipelines.registerServiceConnection({ id: 'late-connection' });
    expect(added).toEqual({
      id: 'late-connection',
      subject: 'sc://emulator-org/emulator-project/late-connection',
    });
    const custom = emulator.pipelines.registerServiceConnection({
      id: 'c2',
      subject: 'sc://x/y/z',
    });
    expect(custom.subject).toBe('sc://x/y/z');
    const result = await oidc({ 'api-version': '7.1', serviceConnectionId: 'c2' });
    expect(decodeJwt(String(json(result)['oidcToken'])).sub).toBe('sc://x/y/z');
  });

  it('answers injected faults as Azure DevOps does', async () => {
    emulator.faults.add({ route: 'pipelines', status: 503, retryAfterSeconds: 9, times: 1 });
    const result = await oidc();
    expect(result.status).toBe(503);
    expect(result.headers['retry-after']).toBe('9');
    expectDevopsHeaders(result);
    expect(json(result)).toMatchObject({ $id: '1', typeKey: expect.any(String) });
  });

  it('counts and logs under `pipelines`, the access token redacted', async () => {
    emulator.counters.reset();
    await oidc();
    expect(emulator.counters.get('pipelines')).toBe(1);
    const last = emulator.requests.at(-1);
    expect(last).toMatchObject({ route: 'pipelines', query: { serviceConnectionId: CONNECTION } });
    expect(last?.headers['authorization']).toBe('Bearer <redacted>');
    expect(JSON.stringify(emulator.requests)).not.toContain(SYSTEM_TOKEN);
  });
});

describe('Azure Pipelines defaults', () => {
  it('makes up a system access token when none is given', async () => {
    const emulator = await startEmulator();
    try {
      expect(emulator.pipelines.systemAccessToken).toMatch(/^[A-Za-z0-9_-]{64}$/);
      const result = await send(emulator, `${emulator.pipelines.oidcRequestUri}?api-version=7.1`, {
        method: 'POST',
        headers: { 'X-TFS-FedAuthRedirect': 'Suppress' },
      });
      expect(result.status).toBe(401);
    } finally {
      await emulator.stop();
    }
  });
});
