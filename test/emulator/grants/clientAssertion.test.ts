import { X509Certificate } from 'node:crypto';
import { SignJWT, generateKeyPair } from 'jose';
import {
  EMULATOR_TENANT_ID,
  createCertificateAuthority,
  issueClientCertificate,
  startEmulator,
} from '../../../src/emulator/index.js';
import type { CertificatePair, Emulator } from '../../../src/emulator/index.js';
import {
  assertionFields,
  clientAssertion,
  verifyToken,
  type AssertionOptions,
} from '../support/flowHelpers.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  STORAGE_SCOPE,
  clientCredentialsForm,
  json,
  postForm,
  tokenPath,
} from '../support/helpers.js';

const NOW_MS = Date.UTC(2030, 2, 4, 5, 6, 7);
const NOW = NOW_MS / 1000;
const CERT_CLIENT = '5e6f7081-0000-4000-8000-0000000000d4';
const PUBLIC_CLIENT = '6f708192-0000-4000-8000-0000000000e5';

describe('client assertions', () => {
  let emulator: Emulator;
  let cert: CertificatePair;
  let caSigned: CertificatePair;
  let unregistered: CertificatePair;
  let audience: string;

  beforeAll(async () => {
    const ca = await createCertificateAuthority();
    [cert, caSigned, unregistered] = await Promise.all([
      issueClientCertificate(),
      issueClientCertificate(ca, { commonName: 'ca-signed client' }),
      issueClientCertificate(),
    ]);
    emulator = await startEmulator({
      now: () => NOW_MS,
      apps: [
        { clientId: CERT_CLIENT, certificates: [cert.certPem, caSigned.certPem] },
        { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, certificates: [caSigned.certPem] },
        { clientId: PUBLIC_CLIENT, publicClient: true },
      ],
    });
    audience = `${emulator.url}/${EMULATOR_TENANT_ID}/oauth2/v2.0/token`;
  });
  afterAll(() => emulator.stop());

  function requestWith(assertion: string, clientId = CERT_CLIENT) {
    return postForm(emulator, tokenPath(), {
      grant_type: 'client_credentials',
      client_id: clientId,
      scope: STORAGE_SCOPE,
      ...assertionFields(assertion),
    });
  }

  const sign = (options: AssertionOptions = {}, pair = cert, clientId = CERT_CLIENT) =>
    clientAssertion(pair, clientId, audience, { now: NOW, ...options });

  it.each<[string, () => Promise<string>]>([
    ['RS256 with x5t#S256', () => sign()],
    ['PS256 with x5t (SHA-1)', () => sign({ alg: 'PS256', thumbprint: 'x5t' })],
    [
      'the v2.0 issuer as audience',
      () => sign({ claims: { aud: `${emulator.url}/${EMULATOR_TENANT_ID}/v2.0` } }),
    ],
    ['a matching x5c', () => sign({ header: { x5c: [x5c(cert)] } })],
    ['nbf 4 minutes ahead', () => sign({ claims: { nbf: NOW + 240 } })],
    ['a CA-signed certificate', () => sign({}, caSigned)],
  ])('authenticates with %s', async (_name, make) => {
    const result = await requestWith(await make());
    expect(result.status).toBe(200);
    const claims = await verifyToken(emulator, json(result)['access_token'], NOW_MS);
    expect(claims).toMatchObject({ appid: CERT_CLIENT, appidacr: '2' });
  });

  it('accepts a secret or an assertion for an app that has both', async () => {
    expect((await postForm(emulator, tokenPath(), clientCredentialsForm())).status).toBe(200);
    const result = await requestWith(await sign({}, caSigned, CLIENT_ID), CLIENT_ID);
    expect(result.status).toBe(200);
  });

  interface AssertionErrorCase {
    name: string;
    make: () => Promise<string>;
    status: number;
    error: string;
    code: number;
    message: string;
  }

  const invalid = (code: number, message: string) => ({
    status: 401,
    error: 'invalid_client',
    code,
    message,
  });
  const badRequest = (code: number, message: string) => ({
    status: 400,
    error: 'invalid_request',
    code,
    message,
  });

  it.each<AssertionErrorCase>([
    {
      name: 'an unknown x5t#S256',
      make: () => sign({}, unregistered),
      ...invalid(
        700027,
        'Client assertion contains an invalid signature. [Reason - The key was not found.',
      ),
    },
    {
      name: 'no thumbprint header',
      make: () => sign({ thumbprint: 'none' }),
      ...invalid(700027, 'Client assertion contains an invalid signature.'),
    },
    {
      name: 'a signature by another key',
      make: () => sign({ keyPem: unregistered.keyPem }),
      ...invalid(
        700027,
        'Client assertion contains an invalid signature. [Reason - The provided signature value did not match',
      ),
    },
    {
      name: 'an x5c of another certificate',
      make: () => sign({ header: { x5c: [x5c(unregistered)] } }),
      ...invalid(
        700027,
        'Client assertion contains an invalid signature. [Reason - The x5c certificate',
      ),
    },
    {
      name: 'a wrong audience',
      make: () =>
        sign({ claims: { aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' } }),
      ...invalid(700023, 'Client assertion audience claim does not match Realm issuer.'),
    },
    {
      name: 'another issuer',
      make: () => sign({ claims: { iss: CLIENT_ID } }),
      ...invalid(
        700021,
        "Client assertion application identifier doesn't match 'client_id' parameter.",
      ),
    },
    {
      name: 'another subject',
      make: () => sign({ claims: { sub: CLIENT_ID } }),
      ...invalid(700021, "Client assertion application identifier doesn't match"),
    },
    {
      name: 'an expired assertion',
      make: () => sign({ claims: { exp: NOW - 1 } }),
      ...invalid(
        700024,
        'Client assertion is not within its valid time range. Current time: 2030-03-04 05:06:07Z',
      ),
    },
    {
      name: 'nbf 6 minutes ahead',
      make: () => sign({ claims: { nbf: NOW + 360 } }),
      ...invalid(700024, 'Client assertion is not within its valid time range.'),
    },
    {
      name: 'no jti',
      make: () => sign({ claims: { jti: undefined } }),
      ...badRequest(90014, "The required field 'jti' is missing from the credential."),
    },
    {
      name: 'no exp',
      make: () => sign({ claims: { exp: undefined } }),
      ...badRequest(90014, "The required field 'exp' is missing"),
    },
    {
      name: 'ES256',
      make: () => signEs256(),
      ...badRequest(5002738, "Invalid JWT token. 'ES256' is not a supported signature algorithm."),
    },
    {
      name: 'a malformed assertion',
      make: () => Promise.resolve('not-a-jwt'),
      ...badRequest(50027, 'JWT token is invalid or malformed.'),
    },
  ])('refuses $name: $status $error AADSTS$code', async (c) => {
    const assertion = await c.make();
    const result = await requestWith(assertion);
    expect(result.status).toBe(c.status);
    const body = json(result);
    expect(body).toMatchObject({ error: c.error, error_codes: [c.code] });
    expect(String(body['error_description'])).toMatch(
      new RegExp(`^AADSTS${c.code}: ${escape(c.message)}`),
    );
    expect(result.text).not.toContain(assertion);
  });

  it('refuses an assertion for an app without certificates with AADSTS700027', async () => {
    emulator.registerApp({ clientId: 'secret-only', clientSecret: 'x' });
    const result = await requestWith(await sign({}, cert, 'secret-only'), 'secret-only');
    expect(result.status).toBe(401);
    expect(json(result)['error_codes']).toEqual([700027]);
  });

  it('refuses a wrong client_assertion_type with AADSTS50027', async () => {
    const assertion = await sign();
    const result = await postForm(emulator, tokenPath(), {
      grant_type: 'client_credentials',
      client_id: CERT_CLIENT,
      scope: STORAGE_SCOPE,
      client_assertion_type: 'urn:example:saml',
      client_assertion: assertion,
    });
    expect(result.status).toBe(400);
    expect(json(result)['error_codes']).toEqual([50027]);
  });

  it('refuses a replayed jti with AADSTS700026', async () => {
    const assertion = await sign();
    expect((await requestWith(assertion)).status).toBe(200);
    const replay = await requestWith(assertion);
    expect(replay.status).toBe(401);
    expect(json(replay)).toMatchObject({ error: 'invalid_client', error_codes: [700026] });
  });

  it('refuses any credential from a public client with AADSTS700025', async () => {
    const form = clientCredentialsForm({ client_id: PUBLIC_CLIENT, client_secret: 'anything' });
    const result = await postForm(emulator, tokenPath(), form);
    expect(result.status).toBe(401);
    expect(json(result)).toMatchObject({ error: 'invalid_client', error_codes: [700025] });
  });

  it('redacts the assertion in the request log', async () => {
    const assertion = await sign();
    await requestWith(assertion);
    expect(emulator.requests.at(-1)?.form['client_assertion']).toBe('<redacted>');
    expect(JSON.stringify(emulator.requests)).not.toContain(assertion);
  });

  async function signEs256(): Promise<string> {
    const { privateKey } = await generateKeyPair('ES256');
    return new SignJWT({
      aud: audience,
      iss: CERT_CLIENT,
      sub: CERT_CLIENT,
      jti: 'j',
      exp: NOW + 60,
    })
      .setProtectedHeader({ alg: 'ES256', 'x5t#S256': 'x' })
      .sign(privateKey);
  }
});

describe('client assertions with replay allowed', () => {
  it('accepts the same assertion twice when rejectReplayedAssertions is false', async () => {
    const cert = await issueClientCertificate();
    const emulator = await startEmulator({
      apps: [{ clientId: CERT_CLIENT, certificates: [cert.certPem] }],
      rejectReplayedAssertions: false,
    });
    try {
      const audience = `${emulator.url}/${EMULATOR_TENANT_ID}/oauth2/v2.0/token`;
      const assertion = await clientAssertion(cert, CERT_CLIENT, audience);
      const form = {
        grant_type: 'client_credentials',
        client_id: CERT_CLIENT,
        scope: STORAGE_SCOPE,
        ...assertionFields(assertion),
      };
      expect((await postForm(emulator, tokenPath(), form)).status).toBe(200);
      expect((await postForm(emulator, tokenPath(), form)).status).toBe(200);
    } finally {
      await emulator.stop();
    }
  });

  it('refuses to register a malformed certificate', async () => {
    await expect(
      startEmulator({ apps: [{ clientId: 'x', certificates: ['not a certificate'] }] }),
    ).rejects.toThrow();
  });
});

function x5c(pair: CertificatePair): string {
  return new X509Certificate(pair.certPem).raw.toString('base64');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
