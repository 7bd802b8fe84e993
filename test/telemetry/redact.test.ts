import { REDACTED, redact } from '../../src/telemetry/redact.js';

const SECRET = 'Qx8~s3cr3t.Value_42';
// Shaped like an Entra access token: base64url header, payload and signature.
const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL3N0b3JhZ2UuYXp1cmUuY29tIiwic3ViIjoiYWJjIn0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';

describe('redact', () => {
  it('leaves text without secrets unchanged', () => {
    const text =
      'invalid_client Status code: 401\nMore details:\nAADSTS7000215: Invalid client secret provided.';
    expect(redact(text)).toBe(text);
  });

  it('replaces every occurrence of a known secret', () => {
    expect(redact(`first ${SECRET} then ${SECRET}.`, [SECRET])).toBe(
      `first ${REDACTED} then ${REDACTED}.`,
    );
  });

  it('replaces each of several secrets', () => {
    expect(redact('one=alpha-secret two=beta-secret', ['alpha-secret', 'beta-secret'])).not.toMatch(
      /alpha|beta/,
    );
  });

  it('treats a secret with regular-expression characters literally', () => {
    const secret = 'a.b*c+(d)?[e]$';
    expect(redact(`x ${secret} y axbbbc`, [secret])).toBe(`x ${REDACTED} y axbbbc`);
  });

  it('replaces a JWT-shaped string', () => {
    expect(redact(`Bearer ${JWT} was rejected`)).toBe(`Bearer ${REDACTED} was rejected`);
  });

  it('replaces a JWT without a signature', () => {
    const unsigned = JWT.slice(0, JWT.lastIndexOf('.') + 1);
    expect(redact(`token ${unsigned}`)).not.toContain('eyJhdWQi');
  });

  it('replaces the value of access_token=… in a form or query', () => {
    expect(redact('grant_type=x&access_token=opaque-value-123&scope=s')).toBe(
      `grant_type=x&access_token=${REDACTED}&scope=s`,
    );
  });

  it.each(['refresh_token', 'client_secret', 'client_assertion', 'code'])(
    'replaces the value of %s=… in a form',
    (field) => {
      expect(redact(`a=1&${field}=opaque-value-123&b=2`)).toBe(`a=1&${field}=${REDACTED}&b=2`);
    },
  );

  it('replaces the value of "client_secret":"…" in JSON', () => {
    expect(redact('{"client_id":"c","client_secret":"opaque-value-123"}')).toBe(
      `{"client_id":"c","client_secret":"${REDACTED}"}`,
    );
  });

  it.each(['access_token', 'refresh_token', 'id_token'])(
    'replaces the value of "%s" in JSON',
    (field) => {
      const body = JSON.stringify({
        token_type: 'Bearer',
        [field]: 'opaque-value-123',
        expires_in: 3599,
      });
      expect(redact(body)).toBe(
        `{"token_type":"Bearer","${field}":"${REDACTED}","expires_in":3599}`,
      );
    },
  );

  it('replaces the whole value of a JSON field, commas and spaces included', () => {
    expect(redact('{"client_secret":"ab,cd ef"}')).toBe(`{"client_secret":"${REDACTED}"}`);
  });

  it('replaces a field name in any case', () => {
    expect(redact('ACCESS_TOKEN=opaque-value-123')).toBe(`ACCESS_TOKEN=${REDACTED}`);
  });

  it('leaves a status code in an error message readable', () => {
    expect(redact('invalid_client Status code: 401')).toBe('invalid_client Status code: 401');
  });
});

describe('redact, quoted and log-style fields', () => {
  it.each([
    ['{"client_secret":"ab\\"cd,ef"}', '{"client_secret":"[REDACTED]"}'],
    ["{'refresh_token': 'x.y,z'}", '{\'refresh_token\': "[REDACTED]"}'],
    ['client_secret: hunter2-secret, next', 'client_secret: [REDACTED], next'],
  ])('redacts %s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });
});
