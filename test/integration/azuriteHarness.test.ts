import { randomUUID, webcrypto } from 'node:crypto';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { BlobServiceClient, RestError, type StoragePipelineOptions } from '@azure/storage-blob';
import { generateKeyPair, SignJWT } from 'jose';
import {
  createCertificateAuthority,
  issueServerCertificate,
} from '../../src/emulator/certificates.js';
import { startAzurite, type Azurite } from '../support/azurite.js';

const TENANT_ID = randomUUID();
const STORAGE_AUDIENCE = 'https://storage.azure.com';
const VAULT_AUDIENCE = 'https://vault.azure.net';

/** Signs an Entra-v1-shaped access token; Azurite checks claims but not the signature. */
async function signAccessToken(key: webcrypto.CryptoKey, audience: string): Promise<AccessToken> {
  const issuedAt = Math.floor(Date.now() / 1000) - 300;
  const expiresAt = issuedAt + 3600;
  const token = await new SignJWT({ tid: TENANT_ID, oid: randomUUID(), appid: randomUUID() })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(`https://sts.windows.net/${TENANT_ID}/`)
    .setAudience(audience)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(key);
  return { token, expiresOnTimestamp: expiresAt * 1000 };
}

function jwtCredential(key: webcrypto.CryptoKey, audience: string): TokenCredential {
  return { getToken: () => signAccessToken(key, audience) };
}

/**
 * `StoragePipelineOptions` does not declare `tlsOptions`, but the storage client spreads its
 * options into core-rest-pipeline's `createClientPipeline`, which installs `tlsPolicy` from it.
 */
function clientOptions(caPem: string): StoragePipelineOptions {
  const options: StoragePipelineOptions & { tlsOptions: { ca: string } } = {
    tlsOptions: { ca: caPem },
    retryOptions: { maxTries: 1, tryTimeoutInMs: 5_000 },
    keepAliveOptions: { enable: false },
  };
  return options;
}

describe('Azurite harness', () => {
  let azurite: Azurite | undefined;
  let caPem = '';
  let signingKey: webcrypto.CryptoKey;

  beforeAll(async () => {
    const ca = await createCertificateAuthority();
    caPem = ca.certPem;
    signingKey = (await generateKeyPair('RS256')).privateKey;
    azurite = await startAzurite(await issueServerCertificate(ca, { ipAddresses: ['127.0.0.1'] }));
  }, 25_000);

  afterAll(async () => {
    await azurite?.stop();
  });

  function serviceClient(audience: string): BlobServiceClient {
    if (!azurite) {
      throw new Error('Azurite did not start');
    }
    const credential = jwtCredential(signingKey, audience);
    return new BlobServiceClient(azurite.blobUrl, credential, clientOptions(caPem));
  }

  it('round-trips a blob over HTTPS with a storage bearer token', async () => {
    const container = serviceClient(STORAGE_AUDIENCE).getContainerClient(randomUUID());
    await container.create();
    const body = `hello from ${TENANT_ID}`;
    const blob = container.getBlockBlobClient('greeting.txt');
    await blob.upload(body, Buffer.byteLength(body));

    const downloaded = await blob.downloadToBuffer();

    expect(downloaded.toString('utf8')).toBe(body);
  });

  it('refuses a token issued for another audience with 403', async () => {
    const client = serviceClient(VAULT_AUDIENCE);

    const error = await client.createContainer(randomUUID()).then(
      () => undefined,
      (reason: unknown) => reason,
    );

    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({
      statusCode: 403,
      details: { authenticationErrorDetail: expect.stringMatching(/audience/i) },
    });
  });
});
