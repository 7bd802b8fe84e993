import * as anchor from '@azure/identity';
import {
  ChainedTokenCredential,
  CredentialUnavailableError,
  InvalidArgumentError,
  VisualStudioCodeCredential,
  type TokenCredential,
} from '../../../src/index.js';
import { VSCODE_UNAVAILABLE_MESSAGE } from '../../../src/credentials/developer/visualStudioCodeCredential.js';
import { resetIdentityPlugins } from '../../../src/credentials/plugins/identityPlugins.js';
import { TokenManagers } from '../../support/tokenManagers.js';

const SCOPE = 'https://management.azure.com/.default';
const managers = new TokenManagers();

afterAll(() => managers.closeAll());
beforeEach(() => resetIdentityPlugins());

describe('VisualStudioCodeCredential', () => {
  it('is unavailable with the anchor’s guidance, word for word', async () => {
    const ours = await new VisualStudioCodeCredential({ tokenManager: managers.create() })
      .getToken(SCOPE)
      .catch((e: unknown) => e);
    const theirs = await new anchor.VisualStudioCodeCredential()
      .getToken(SCOPE)
      .catch((e: unknown) => e);
    expect(ours).toBeInstanceOf(CredentialUnavailableError);
    expect((ours as Error).name).toBe('CredentialUnavailableError');
    expect((ours as Error).message).toBe(VSCODE_UNAVAILABLE_MESSAGE);
    expect((ours as Error).message).toBe((theirs as Error).message);
  });

  it('takes the anchor’s options', async () => {
    const credential = new VisualStudioCodeCredential({
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      additionallyAllowedTenants: ['*'],
      authorityHost: 'https://login.microsoftonline.com',
      tokenManager: managers.create(),
    });
    await expect(
      credential.getToken(SCOPE, { tenantId: 'contoso.onmicrosoft.com' }),
    ).rejects.toThrow(VSCODE_UNAVAILABLE_MESSAGE);
  });

  it('refuses adfs and a malformed tenant at construction, a tenant it may not serve at getToken', async () => {
    expect(
      () => new VisualStudioCodeCredential({ tenantId: 'adfs', tokenManager: managers.create() }),
    ).toThrow(
      new CredentialUnavailableError(
        'The VisualStudioCodeCredential does not support authentication with ADFS tenants.',
      ),
    );
    expect(() => new VisualStudioCodeCredential({ tenantId: 'bad/tenant' })).toThrow(
      InvalidArgumentError,
    );
    const error = await new VisualStudioCodeCredential({
      tenantId: 'home',
      tokenManager: managers.create(),
    })
      .getToken(SCOPE, { tenantId: 'elsewhere' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialUnavailableError);
    expect((error as Error).message).toContain('additionallyAllowedTenants');
  });

  it('lets a chain move on to the next credential', async () => {
    const next: TokenCredential = {
      getToken: async () => ({ token: 'next-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
    };
    const chain = new ChainedTokenCredential(
      { tokenManager: managers.create() },
      new VisualStudioCodeCredential({ tokenManager: managers.create() }),
      next,
    );
    expect((await chain.getToken(SCOPE)).token).toBe('next-token');
  });
});
