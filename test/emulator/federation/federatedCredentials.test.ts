import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import {
  FEDERATED_TOKEN_AUDIENCE,
  JWT_BEARER_ASSERTION_TYPE,
  startEmulator,
} from '../../../src/emulator/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { STORAGE_SCOPE, json, postForm, tokenPath } from '../support/helpers.js';
import { verifyToken } from '../../support/verifyToken.js';

const START_MS = Date.UTC(2030, 8, 10, 11, 12, 13);
const START = START_MS / 1000;
const FED_CLIENT = '7a8b9c0d-0000-4000-8000-0000000000f6';
const OTHER_CLIENT = '8b9c0d1e-0000-4000-8000-0000000000f7';
const SUBJECT = 'system:serviceaccount:default:workload';
const GITHUB = 'https://token.actions.githubusercontent.com';
const GITHUB_SUBJECT = 'repo:contoso/app:ref:refs/heads/main';

describe('federated credentials', () => {
  let emulator: Emulator;
  let nowMs = START_MS;

  beforeAll(async () => {
    emulator = await startEmulator({ now: () => nowMs });
    emulator.registerApp({
      clientId: FED_CLIENT,
      federatedCredentials: [
        { issuer: emulator.issuers.kubernetes, subject: SUBJECT },
        { issuer: GITHUB, subject: GITHUB_SUBJECT, audience: 'api://custom' },
      ],
    });
    emulator.registerApp({ clientId: OTHER_CLIENT, clientSecret: 'x' });
  });
  afterAll(() => emulator.stop());
  beforeEach(() => {
    nowMs = START_MS;
  });

  const kubernetesToken = (overrides: { subject?: string; audience?: string } = {}) =>
    emulator.issueFederatedToken({
      issuer: emulator.issuers.kubernetes,
      subject: overrides.subject ?? SUBJECT,
      audience: overrides.audience,
    });

  const exchange = (assertion: string, clientId = FED_CLIENT) =>
    postForm(emulator, tokenPath(), {
      grant_type: 'client_credentials',
      client_id: clientId,
      scope: STORAGE_SCOPE,
      client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
      client_assertion: assertion,
    });

  it('names its issuers under its URL', () => {
    expect(emulator.issuers).toEqual({
      kubernetes: `${emulator.url}/kubernetes`,
      azureDevOps: `${emulator.url}/devops`,
    });
  });

  it('signs federated tokens with its key, times from the clock', async () => {
    const token = await emulator.issueFederatedToken({
      issuer: 'https://issuer.test',
      subject: 's',
      lifetimeSeconds: 120,
    });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    const claims = await verifyToken(emulator, token, nowMs);
    expect(claims).toMatchObject({
      iss: 'https://issuer.test',
      sub: 's',
      aud: FEDERATED_TOKEN_AUDIENCE,
      iat: START,
      nbf: START,
      exp: START + 120,
    });
  });

  it('exchanges a matching federated assertion for a token, any number of times', async () => {
    const assertion = await kubernetesToken();
    for (let i = 0; i < 2; i += 1) {
      const result = await exchange(assertion);
      expect(result.status).toBe(200);
      const claims = decodeJwt(String(json(result)['access_token']));
      expect(claims).toMatchObject({ appid: FED_CLIENT, appidacr: '2' });
    }
  });

  it('accepts a credential with its own audience, and an array aud', async () => {
    const token = await emulator.issueFederatedToken({
      issuer: GITHUB,
      subject: GITHUB_SUBJECT,
      audience: ['api://other', 'api://custom'],
    });
    expect((await exchange(token)).status).toBe(200);
  });

  it('refuses an expired assertion: 401 invalid_client AADSTS700024', async () => {
    const assertion = await kubernetesToken();
    nowMs += 3600_000;
    const result = await exchange(assertion);
    expect(result.status).toBe(401);
    const body = json(result);
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [700024] });
    expect(String(body['error_description'])).toMatch(
      /^AADSTS700024: Client assertion is not within its valid time range\./,
    );
  });

  it.each([
    ['an unknown subject', { subject: 'system:serviceaccount:default:other' }],
    ['an unknown issuer', {}],
  ])('refuses %s: 400 invalid_request AADSTS70021', async (name, overrides) => {
    const assertion =
      name === 'an unknown issuer'
        ? await emulator.issueFederatedToken({ issuer: 'https://elsewhere.test', subject: SUBJECT })
        : await kubernetesToken(overrides);
    const result = await exchange(assertion);
    expect(result.status).toBe(400);
    const body = json(result);
    expect(body).toMatchObject({ error: 'invalid_request', error_codes: [70021] });
    expect(String(body['error_description'])).toContain(
      'No matching federated identity record found for presented assertion.',
    );
  });

  it('refuses a matching issuer and subject with another audience: AADSTS700212', async () => {
    const result = await exchange(await kubernetesToken({ audience: 'api://nope' }));
    expect(result.status).toBe(400);
    expect(json(result)).toMatchObject({ error_codes: [700212] });
  });

  it('refuses a federated assertion for an app without federated credentials', async () => {
    const result = await exchange(await kubernetesToken(), OTHER_CLIENT);
    expect(json(result)).toMatchObject({ error_codes: [70021] });
  });

  it('refuses a token the emulator did not sign: 401 AADSTS700027', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ sub: SUBJECT, aud: FEDERATED_TOKEN_AUDIENCE })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .setIssuer(emulator.issuers.kubernetes)
      .setIssuedAt(START)
      .setExpirationTime(START + 600)
      .sign(privateKey);
    const result = await exchange(forged);
    expect(result.status).toBe(401);
    expect(json(result)).toMatchObject({ error: 'invalid_client', error_codes: [700027] });
  });

  it('redacts the assertion in the request log', async () => {
    const assertion = await kubernetesToken();
    await exchange(assertion);
    expect(JSON.stringify(emulator.requests)).not.toContain(assertion);
  });
});
