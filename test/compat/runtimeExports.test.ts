import * as anchor from '@azure/identity';
import * as ours from '../../src/index.js';

/**
 * Every runtime export of `@azure/identity` 4.13 exists here with the same `typeof`: code that
 * imports any of them runs unchanged after the import is switched.
 */
describe('the runtime exports of @azure/identity', () => {
  const names = Object.keys(anchor).sort();

  it('are the ones this test knows (a new anchor version is checked on purpose)', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'getBearerTokenProvider',
        'getDefaultAzureCredential',
        'logger',
        'useIdentityPlugin',
        'UsernamePasswordCredential',
        'VisualStudioCodeCredential',
      ]),
    );
    expect(names.length).toBeGreaterThanOrEqual(30);
  });

  it.each(names)('%s exists here with the same typeof', (name) => {
    const theirs: unknown = (anchor as Record<string, unknown>)[name];
    expect(Object.keys(ours)).toContain(name);
    expect(typeof (ours as Record<string, unknown>)[name]).toBe(typeof theirs);
  });

  it('has the same constant values (error names, authority hosts)', () => {
    for (const name of names) {
      const theirs: unknown = (anchor as Record<string, unknown>)[name];
      if (typeof theirs === 'string') expect((ours as Record<string, unknown>)[name]).toBe(theirs);
    }
    expect(ours.AzureAuthorityHosts).toEqual(anchor.AzureAuthorityHosts);
  });

  it('has the logger methods of the anchor’s logger', () => {
    for (const level of Object.keys(anchor.logger)) {
      expect(typeof (ours.logger as unknown as Record<string, unknown>)[level]).toBe(
        typeof (anchor.logger as unknown as Record<string, unknown>)[level],
      );
    }
  });

  it('getDefaultAzureCredential gives a DefaultAzureCredential, its instances sharing one identity', async () => {
    const first = ours.getDefaultAzureCredential();
    const second = ours.getDefaultAzureCredential();
    expect(first).toBeInstanceOf(ours.DefaultAzureCredential);
    expect(second.identityId).toBe(first.identityId);
    await Promise.all([first.close(), second.close()]);
  });
});
