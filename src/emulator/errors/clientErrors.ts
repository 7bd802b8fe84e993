/**
 * Errors of client authentication: secrets, client assertions, public clients.
 *
 * @packageDocumentation
 */
import { spec } from './aadErrors.js';
import type { AadErrorSpec } from './aadErrors.js';

const CERT_DOCS = 'Review the documentation at https://aka.ms/certCreds .';
const FEDERATION_DOCS =
  'https://learn.microsoft.com/entra/workload-id/workload-identity-federation';

/** Errors of client authentication; none echoes a secret or an assertion. */
export const clientErrors = {
  /** A confidential client sent neither a secret nor an assertion on a user flow. */
  credentialRequired: (): AadErrorSpec =>
    spec(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or " +
        "'client_secret'.",
    ),
  /** A public client (no secret, no certificate) sent a credential. */
  publicClientWithCredential: (): AadErrorSpec =>
    spec(
      401,
      'invalid_client',
      700025,
      "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    ),
  assertionTypeInvalid: (): AadErrorSpec =>
    spec(
      400,
      'invalid_request',
      50027,
      "Invalid client_assertion_type. It must be 'urn:ietf:params:oauth:client-assertion-type:" +
        "jwt-bearer'.",
    ),
  assertionMalformed: (): AadErrorSpec =>
    spec(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.'),
  algorithmUnsupported: (alg: string): AadErrorSpec =>
    spec(
      400,
      'invalid_request',
      5002738,
      `Invalid JWT token. '${alg}' is not a supported signature algorithm. Supported signing ` +
        "algorithms are: 'RS256, PS256'",
    ),
  /** AADSTS700027: unknown key, no certificates, x5c mismatch or a bad signature. */
  invalidSignature: (reason: string, thumbprint?: string): AadErrorSpec =>
    spec(
      401,
      'invalid_client',
      700027,
      `Client assertion contains an invalid signature. [Reason - ${reason}` +
        (thumbprint === undefined ? '' : `, Thumbprint of key used by client: '${thumbprint}'`) +
        `] ${CERT_DOCS}`,
    ),
  audienceMismatch: (): AadErrorSpec =>
    spec(
      401,
      'invalid_client',
      700023,
      `Client assertion audience claim does not match Realm issuer. ${CERT_DOCS}`,
    ),
  /** `iss` or `sub` is not the client id. */
  applicationMismatch: (): AadErrorSpec =>
    spec(
      401,
      'invalid_client',
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter. " + CERT_DOCS,
    ),
  outsideValidity: (now: string, from: string, to: string): AadErrorSpec =>
    spec(
      401,
      'invalid_client',
      700024,
      `Client assertion is not within its valid time range. Current time: ${now}, assertion ` +
        `valid from ${from}, expiry time of assertion ${to}. ${CERT_DOCS}`,
    ),
  missingClaim: (claim: string): AadErrorSpec =>
    spec(
      400,
      'invalid_request',
      90014,
      `The required field '${claim}' is missing from the credential. Ensure that you have all ` +
        'the necessary parameters for the login request.',
    ),
  /** Emulator-chosen code: Entra itself does not refuse a re-used `jti`. */
  replayed: (): AadErrorSpec =>
    spec(
      401,
      'invalid_client',
      700026,
      "Client assertion has already been used: its 'jti' claim must be unique for each request.",
    ),
  /** A federated assertion no federated credential of the app matches by issuer and subject. */
  federatedNoMatch: (issuer: string, subject: string, audience: string): AadErrorSpec =>
    spec(
      400,
      'invalid_request',
      70021,
      'No matching federated identity record found for presented assertion. Assertion Issuer: ' +
        `'${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audience}'. ` +
        FEDERATION_DOCS,
    ),
  /** A federated credential matches issuer and subject, but not the assertion's audience. */
  federatedAudience: (audience: string): AadErrorSpec =>
    spec(
      400,
      'invalid_request',
      700212,
      'No matching federated identity record found for presented assertion audience ' +
        `'${audience}'. ${FEDERATION_DOCS}`,
    ),
  /** A federated assertion not signed with the issuer's (here: the emulator's) key. */
  federatedSignature: (): AadErrorSpec =>
    spec(401, 'invalid_client', 700027, 'Client assertion failed signature validation.'),
};
