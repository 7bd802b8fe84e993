/** The developer CLI helpers on their own: PATH lookup, Windows invocation, output parsing. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  epochSecondsToMs,
  parseLocalDateTime,
  parseUtcDateTime,
  sanitizeCliOutput,
} from '../../../src/credentials/developer/cliOutput.js';
import { envValue, findExecutable } from '../../../src/credentials/developer/findExecutable.js';
import {
  POWERSHELL_SCRIPT,
  POWERSHELL_RESOURCE_VARIABLE,
  POWERSHELL_TENANT_VARIABLE,
} from '../../../src/credentials/developer/powerShellScript.js';
import {
  safeWorkingDirectory,
  windowsInvocation,
} from '../../../src/credentials/developer/runCli.js';

describe('findExecutable', () => {
  let root: string;
  const tool = (folder: string, name: string, mode = 0o755): string => {
    mkdirSync(join(root, folder), { recursive: true });
    const file = join(root, folder, name);
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, mode);
    return file;
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'find-exe-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds the first match in PATH order', () => {
    const first = tool('a', 'az');
    tool('b', 'az');
    expect(
      findExecutable(['az'], { PATH: `${join(root, 'b')}x:${join(root, 'a')}:${join(root, 'b')}` }),
    ).toBe(first);
  });

  it('prefers an earlier name anywhere on PATH to a later name', () => {
    tool('a', 'powershell');
    const pwsh = tool('b', 'pwsh');
    const PATH = `${join(root, 'a')}:${join(root, 'b')}`;
    expect(findExecutable(['pwsh', 'powershell'], { PATH })).toBe(pwsh);
  });

  it('skips files that are not executable, folders, and relative PATH entries', () => {
    tool('a', 'az', 0o644);
    mkdirSync(join(root, 'b', 'az'), { recursive: true });
    expect(
      findExecutable(['az'], { PATH: `${join(root, 'a')}:${join(root, 'b')}:.::bin` }),
    ).toBeUndefined();
  });

  it('reads PATH from the given environment only', () => {
    tool('a', 'az');
    expect(findExecutable(['az'], {})).toBeUndefined();
  });

  it('reads variables case-insensitively on Windows only', () => {
    expect(envValue({ Path: 'C:\\x' }, 'PATH', 'win32')).toBe('C:\\x');
    expect(envValue({ Path: '/x' }, 'PATH', 'linux')).toBeUndefined();
  });
});

describe('windowsInvocation', () => {
  const env = { SystemRoot: 'C:\\Windows' };

  it('runs an .exe directly', () => {
    expect(windowsInvocation('C:\\azd\\azd.exe', ['auth', 'token'], env)).toEqual({
      file: 'C:\\azd\\azd.exe',
      args: ['auth', 'token'],
      verbatim: false,
    });
  });

  it('runs a .cmd through cmd.exe with every part quoted', () => {
    const az = 'C:\\Program Files\\Azure CLI\\wbin\\az.cmd';
    expect(windowsInvocation(az, ['account', '--subscription', 'My Sub'], env)).toEqual({
      file: 'C:\\Windows\\System32\\cmd.exe',
      args: ['/d', '/s', '/c', `""${az}" "account" "--subscription" "My Sub""`],
      verbatim: true,
    });
  });

  it.each(['"', '%', '^', '&', '|', '<', '>', '!', '\n'])(
    'refuses to hand cmd.exe an argument holding %j',
    (ch) => {
      expect(() => windowsInvocation('C:\\az.cmd', [`x${ch}y`], env)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    },
  );

  it('runs from /bin, or %SystemRoot% on Windows', () => {
    expect(safeWorkingDirectory('linux', { SystemRoot: 'D:\\Win' })).toBe('/bin');
    expect(safeWorkingDirectory('win32', { SYSTEMROOT: 'D:\\Win' })).toBe('D:\\Win');
    expect(safeWorkingDirectory('win32', {})).toBe('C:\\Windows');
  });
});

describe('expiry parsing', () => {
  it('reads az expiresOn as local time', () => {
    // Jest gives tests their own process.env, so TZ cannot be switched here: compare with this
    // machine's own local reading (the fake az tests print local times too).
    expect(parseLocalDateTime('2030-01-01 00:00:00.250000')).toBe(
      new Date(2030, 0, 1, 0, 0, 0, 250).getTime(),
    );
  });

  it('reads azd expiresOn as UTC', () => {
    expect(parseUtcDateTime('2030-01-01T00:00:00Z')).toBe(Date.UTC(2030, 0, 1));
    expect(parseUtcDateTime('2030-01-01T00:00:00.123456789Z')).toBe(
      Date.UTC(2030, 0, 1, 0, 0, 0, 123),
    );
    expect(parseUtcDateTime('2030-01-01T00:00:00')).toBe(Date.UTC(2030, 0, 1));
    expect(parseUtcDateTime('2030-01-01T05:30:00+05:30')).toBe(Date.UTC(2030, 0, 1));
  });

  it.each(['2030-02-30 00:00:00', '2030-01-01 24:00:00', '2030-01-01', 'soon', '', 42, null])(
    'refuses %j',
    (value) => {
      expect(parseLocalDateTime(value)).toBeUndefined();
      expect(parseUtcDateTime(value)).toBeUndefined();
    },
  );

  it('refuses a zone designator where local time is expected', () => {
    expect(parseLocalDateTime('2030-01-01T00:00:00Z')).toBeUndefined();
  });

  it.each([
    [1_900_000_000, 1_900_000_000_000],
    ['1900000000', 1_900_000_000_000],
    ['', undefined],
    ['12abc', undefined],
    [-5, undefined],
    [null, undefined],
  ])('reads epoch seconds %j', (value, expected) => {
    expect(epochSecondsToMs(value)).toBe(expected);
  });
});

describe('sanitizeCliOutput', () => {
  it.each([
    ['"accessToken": "abc.def"', '"accessToken": "****"'],
    ['{"token":"abc"}', '{"token":"****"}'],
    ['"Token": "cut off at the end', '"Token": "****'],
    ['Bearer eyJhbGciOi.eyJzdWIiOi.c2ln', 'Bearer [REDACTED]'],
  ])('turns %j into %j', (input, expected) => {
    expect(sanitizeCliOutput(input)).toBe(expected);
  });

  it('cuts very long output', () => {
    expect(sanitizeCliOutput('x'.repeat(5_000)).length).toBeLessThan(2_100);
  });
});

describe('POWERSHELL_SCRIPT', () => {
  it('reads its inputs from the environment variables and has no placeholder to splice into', () => {
    expect(POWERSHELL_SCRIPT).toContain(`$env:${POWERSHELL_RESOURCE_VARIABLE}`);
    expect(POWERSHELL_SCRIPT).toContain(`$env:${POWERSHELL_TENANT_VARIABLE}`);
    expect(POWERSHELL_SCRIPT).not.toMatch(/\$\{|\{\d\}|%s/);
  });

  it('handles SecureString tokens both ways and prints unix seconds', () => {
    expect(POWERSHELL_SCRIPT).toContain(
      'ConvertFrom-SecureString -SecureString $value -AsPlainText',
    );
    expect(POWERSHELL_SCRIPT).toContain('SecureStringToBSTR');
    expect(POWERSHELL_SCRIPT).toContain("$params['AsSecureString'] = $true");
    expect(POWERSHELL_SCRIPT).toContain('ToUnixTimeSeconds()');
  });
});
