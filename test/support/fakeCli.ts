/**
 * Fake developer CLIs for tests: tiny Node scripts named `az`, `azd` and `pwsh` in a temporary
 * folder that a test puts on the credential's `PATH` (and nothing else is on it, so a real tool
 * can never run). Each run appends its arguments, working directory and the environment values
 * the credentials set to a log, then behaves as the scenario file the test wrote says.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type FakeTool = 'az' | 'azd' | 'pwsh';

/** What a fake run can do. `not-installed` removes the executable from the folder. */
export type FakeScenario =
  | 'success'
  | 'not-logged-in'
  | 'not-installed'
  | 'no-module'
  | 'timeout'
  | 'garbage'
  | 'failure'
  | 'raw';

/**
 * Scenario details. `success`: `output` fields override the printed JSON (null removes one),
 * `preamble` lines come first (pwsh), `lifetimeSeconds` sets the expiry; `timeout`: `grandchild`
 * starts a sleeping grandchild that holds the pipes; `raw`: prints `stdout`, `stderr`, exits
 * `exitCode`.
 */
export interface ScenarioExtra {
  output?: Record<string, unknown>;
  preamble?: string[];
  lifetimeSeconds?: number;
  grandchild?: boolean;
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** `success` answers after this long (a tool still running when something else happens). */
  delayMs?: number;
}

/** One logged run. */
export interface FakeCall {
  argv: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}

/** Every secret the fakes print in failures starts with this word; it must never leak. */
export const FAKE_SECRET_MARKER = 'CANARY';

/** The tenant the fakes say a token is for when no tenant was asked for. */
export const FAKE_HOME_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export interface FakeCli {
  dir: string;
  env: { PATH: string };
  scenario(tool: FakeTool, name: FakeScenario, extra?: ScenarioExtra): void;
  calls(tool: FakeTool): string[][];
  records(tool: FakeTool): FakeCall[];
  cleanup(): void;
}

/** Writes the fakes for `tools` into a new temporary folder; every tool starts in `success`. */
export function createFakeCli(tools: FakeTool[]): FakeCli {
  const dir = mkdtempSync(join(tmpdir(), 'fake-cli-'));
  // The scripts have no extension: make sure Node reads them as CommonJS wherever tmp is.
  writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}\n');
  const install = (tool: FakeTool): void => {
    const file = join(dir, tool);
    writeFileSync(file, fakeScript(tool));
    chmodSync(file, 0o755);
  };
  tools.forEach(install);
  const records = (tool: FakeTool): FakeCall[] => {
    let text = '';
    try {
      text = readFileSync(join(dir, `${tool}.calls.jsonl`), 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FakeCall);
  };
  return {
    dir,
    env: { PATH: dir },
    scenario(tool, name, extra = {}) {
      if (name === 'not-installed') rmSync(join(dir, tool), { force: true });
      else if (tools.includes(tool)) install(tool);
      writeFileSync(join(dir, `${tool}.scenario.json`), JSON.stringify({ name, extra }));
    },
    calls: (tool) => records(tool).map((r) => r.argv),
    records,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Removes one executable, leaving its log; for a tool that vanishes after lookup. */
export function removeFake(cli: FakeCli, tool: FakeTool): void {
  unlinkSync(join(cli.dir, tool));
}

// The shebang names this Node by absolute path: PATH holds only the fakes, so `env node` would fail.
function fakeScript(tool: FakeTool): string {
  return `#!${process.execPath}
'use strict';
const TOOL = ${JSON.stringify(tool)};
const HOME_TENANT = ${JSON.stringify(FAKE_HOME_TENANT)};
const MARKER = ${JSON.stringify(FAKE_SECRET_MARKER)};
${FAKE_BODY}`;
}

const FAKE_BODY = String.raw`
const fs = require('fs');
const path = require('path');
const argv = process.argv.slice(2);
const env = {};
for (const name of ['AZURE_IDENTITY_POWERSHELL_RESOURCE', 'AZURE_IDENTITY_POWERSHELL_TENANT_ID', 'AZURE_CORE_NO_COLOR', 'NO_COLOR']) {
  env[name] = process.env[name];
}
fs.appendFileSync(path.join(__dirname, TOOL + '.calls.jsonl'), JSON.stringify({ argv, cwd: process.cwd(), env }) + '\n');
let scenario = { name: 'success', extra: {} };
try { scenario = JSON.parse(fs.readFileSync(path.join(__dirname, TOOL + '.scenario.json'), 'utf8')); } catch {}
const extra = scenario.extra || {};
const b64url = (text) => Buffer.from(text).toString('base64url');
const jwt = () => 'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.' + b64url(JSON.stringify({ tool: TOOL, n: Math.random() })) + '.c2lnbmF0dXJl';
const pad = (n, width = 2) => String(n).padStart(width, '0');
const local = (s) => { const d = new Date(s * 1000); return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.000000'; };
const arg = (name) => { const i = argv.indexOf(name); return i < 0 ? undefined : argv[i + 1]; };
const fail = (text, code = 1) => { process.stderr.write(text + '\n'); process.exit(code); };
const merge = (base) => { for (const [k, v] of Object.entries(extra.output || {})) { if (v === null) delete base[k]; else base[k] = v; } return base; };

function success() {
  const exp = Math.floor(Date.now() / 1000) + (extra.lifetimeSeconds || 3600);
  if (TOOL === 'az') {
    const out = merge({ accessToken: jwt(), expiresOn: local(exp), expires_on: exp, subscription: '00000000-0000-4000-8000-00000000c0de', tenant: arg('--tenant') || HOME_TENANT, tokenType: 'Bearer' });
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else if (TOOL === 'azd') {
    const out = merge({ token: jwt(), expiresOn: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    if (!process.env.AZURE_IDENTITY_POWERSHELL_RESOURCE) fail('Get-AzAccessToken: Cannot validate argument on parameter ResourceUrl.');
    for (const line of extra.preamble || []) process.stdout.write(line + '\n');
    process.stdout.write(JSON.stringify(merge({ Token: jwt(), ExpiresOn: exp })) + '\n');
  }
}

const NOT_LOGGED_IN = {
  az: "ERROR: Please run 'az login' to setup account.",
  azd: 'ERROR: fetching token: not logged in, run ' + '\u0060' + 'azd auth login' + '\u0060' + ' to login',
  pwsh: 'Get-AzAccessToken: Run Connect-AzAccount to login.',
};
const FAILURE = {
  az: 'ERROR: AADSTS700082: The refresh token has expired due to inactivity. {"accessToken": "' + MARKER + '-az-token", "tokenType": "Bearer"} Bearer ' + jwt(),
  azd: 'ERROR: fetching token: unexpected status 500: {"token": "' + MARKER + '-azd-token"} ' + jwt(),
  pwsh: 'Get-AzAccessToken: unexpected failure {"Token":"' + MARKER + '-pwsh-token"} ' + jwt(),
};

switch (scenario.name) {
  case 'success': if (extra.delayMs) setTimeout(success, extra.delayMs); else success(); break;
  case 'not-logged-in': fail(NOT_LOGGED_IN[TOOL]); break;
  case 'no-module': fail("Import-Module: The specified module 'Az.Accounts' with version '2.2.0' was not loaded because no valid module file was found in any module directory."); break;
  case 'garbage': process.stdout.write('Welcome! This is not { JSON ' + MARKER + '-garbage\n'); break;
  case 'failure': fail(FAILURE[TOOL]); break;
  case 'raw':
    if (extra.stdout) process.stdout.write(extra.stdout);
    if (extra.stderr) process.stderr.write(extra.stderr);
    process.exitCode = extra.exitCode || 0;
    break;
  case 'timeout':
    if (extra.grandchild) require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'inherit' });
    setTimeout(() => {}, 30000);
    break;
  default: fail('fake ' + TOOL + ': unknown scenario ' + scenario.name);
}
`;
