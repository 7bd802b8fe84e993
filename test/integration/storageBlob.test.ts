import type { TokenCredential } from '@azure/core-auth';
import { BlobServiceClient, RestError, type StoragePipelineOptions } from '@azure/storage-blob';
import { ClientSecretCredential, TokenManager } from '../../src/index.js';
import {
  createCertificateAuthority,
  issueServerCertificate,
  startEmulator,
  type Emulator,
} from '../../src/emulator/index.js';
import { startAzurite, type Azurite } from '../support/azurite.js';

const CLIENT_ID = '7e57b10b-0000-4000-8000-00000000b10b';
const SECRET = 'storage-test-secret~value';

/** Storage client options trusting our CA (the storage types omit `tlsOptions`; the pipeline honours it). */
function clientOptions(ca: string): StoragePipelineOptions {
  const options: StoragePipelineOptions & { tlsOptions: { ca: string } } = {
    tlsOptions: { ca },
    retryOptions: { maxTries: 1, tryTimeoutInMs: 10_000 },
  };
  return options;
}

describe('a real SDK client with ClientSecretCredential', () => {
  let emulator: Emulator;
  let azurite: Azurite;
  let manager: TokenManager;
  let credential: ClientSecretCredential;
  let ca: string;

  beforeAll(async () => {
    const authority = await createCertificateAuthority();
    ca = authority.certPem;
    emulator = await startEmulator({
      certificateAuthority: authority,
      apps: [{ clientId: CLIENT_ID, clientSecret: SECRET }],
    });
    azurite = await startAzurite(
      await issueServerCertificate(authority, { ipAddresses: ['127.0.0.1'] }),
    );
    manager = new TokenManager();
    credential = new ClientSecretCredential(emulator.tenantId, CLIENT_ID, SECRET, {
      authorityHost: emulator.url,
      tlsOptions: { ca },
      tokenManager: manager,
      env: {},
    });
  }, 30_000);

  afterAll(async () => {
    await manager?.close();
    await azurite?.stop();
    await emulator?.stop();
  });

  it('creates a container, uploads and downloads a blob on Azurite over HTTPS with OAuth', async () => {
    const service = new BlobServiceClient(azurite.blobUrl, credential, clientOptions(ca));
    const container = service.getContainerClient(`c${Date.now()}`);
    await container.create();
    const blob = container.getBlockBlobClient('hello.txt');
    const text = 'always-fresh tokens';
    await blob.upload(text, Buffer.byteLength(text));
    const downloaded = await blob.downloadToBuffer();
    expect(downloaded.toString('utf8')).toBe(text);
    // Every storage call shared one token: the engine made one acquisition for the key.
    expect(manager.snapshot()).toEqual([
      expect.objectContaining({ acquisitions: 1, enableCae: true }),
    ]);
  });

  it('is refused by Azurite with a token for the wrong audience', async () => {
    const vault: TokenCredential = {
      getToken: (_scopes, options) =>
        credential.getToken('https://vault.azure.net/.default', options),
    };
    const service = new BlobServiceClient(azurite.blobUrl, vault, clientOptions(ca));
    const error = await service
      .getContainerClient('refused')
      .create()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestError);
    expect((error as RestError).statusCode).toBe(403);
  });
});
