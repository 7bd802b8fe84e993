import {
  chmodSync,
  mkdtempSync,
  rmSync,
  statSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createIdentitySecret,
  IdentityHeaderCheck,
  readIdentitySecretFile,
} from '../../src/service/identityHeader.js';
import { sidecarEnvText, writeSidecarEnvFile } from '../../src/service/sidecarEnvFile.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ri-identity-header-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

describe('createIdentitySecret', () => {
  it('is 64 hex characters, new each time', () => {
    const [a, b] = [createIdentitySecret(), createIdentitySecret()];
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });
});

describe('IdentityHeaderCheck', () => {
  it('matches the secret only, whatever the length presented', () => {
    const check = new IdentityHeaderCheck('s3cret-value-0123456789');
    expect(check.matches('s3cret-value-0123456789')).toBe(true);
    for (const wrong of ['', 's3cret', 's3cret-value-0123456788', 's3cret-value-01234567890'])
      expect(check.matches(wrong)).toBe(false);
  });
});

describe('readIdentitySecretFile', () => {
  it('reads a 0600 file, without its trailing newline', async () => {
    const path = file('ok', 'a-secret-of-enough-length\n', 0o600);
    await expect(readIdentitySecretFile(path)).resolves.toBe('a-secret-of-enough-length');
  });

  it.each([
    ['group-readable', 'a-secret-of-enough-length', 0o640, /mode 640 .*chmod 600/],
    ['world-readable', 'a-secret-of-enough-length', 0o604, /mode 604/],
    ['too short', 'short', 0o600, /16 to 1024 characters/],
    ['two lines', 'a-secret-of-enough\nlength', 0o600, /one line/],
    ['with a space', 'a secret of enough length', 0o600, /one line/],
    ['with shell characters', 'a-secret-with-$HOME-and-*', 0o600, /letters, digits/],
    ['with quotes', 'a-secret-with-"quotes"-in', 0o600, /letters, digits/],
  ])(
    'refuses a %s file, naming the problem and not the content',
    async (_name, content, mode, why) => {
      const path = file(`refused-${mode}-${content.length}`, content, mode);
      const error = await readIdentitySecretFile(path).catch((e: unknown) => e as Error);
      expect(error).toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
        message: expect.stringMatching(why),
      });
      expect((error as Error).message).not.toContain(content);
    },
  );

  it('refuses a missing file and a directory', async () => {
    await expect(readIdentitySecretFile(join(dir, 'absent'))).rejects.toThrow(/ENOENT/);
    await expect(readIdentitySecretFile(dir)).rejects.toThrow(/not a regular file/);
  });

  it('refuses a symbolic link, even to a 0600 file', async () => {
    const target = file('link-target', 'a-secret-of-enough-length', 0o600);
    const link = join(dir, 'link');
    symlinkSync(target, link);
    await expect(readIdentitySecretFile(link)).rejects.toThrow(/is a symbolic link/);
  });
});

describe('writeSidecarEnvFile', () => {
  it('writes IDENTITY_ENDPOINT and IDENTITY_HEADER as a 0600 dotenv file, replacing one', async () => {
    const path = file('sidecar.env', 'old', 0o644);
    const environment = { endpoint: 'http://127.0.0.1:42424/msi/token', secret: 'abc123' };
    await writeSidecarEnvFile(path, environment);
    expect(readFileSync(path, 'utf8')).toBe(
      'IDENTITY_ENDPOINT=http://127.0.0.1:42424/msi/token\nIDENTITY_HEADER=abc123\n',
    );
    expect(sidecarEnvText(environment)).toBe(readFileSync(path, 'utf8'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('says which path cannot be written', async () => {
    await expect(
      writeSidecarEnvFile(join(dir, 'no-such-dir', 'x.env'), { endpoint: 'e', secret: 's' }),
    ).rejects.toThrow(/no-such-dir\/x\.env: cannot be written \(ENOENT\)/);
  });
});
