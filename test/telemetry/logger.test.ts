import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as azureLogger from '@azure/logger';
import * as anchor from '@azure/identity';
import {
  AzureLogger,
  ClientSecretCredential,
  getLogLevel,
  logger,
  setLogLevel,
  VisualStudioCodeCredential,
} from '../../src/index.js';
import { createLogger, logLevelFromEnv } from '../../src/telemetry/logger.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { ROOT, ensureBuilt } from '../support/childProcesses.js';
import { TokenManagers } from '../support/tokenManagers.js';

const SCOPE = 'https://management.azure.com/.default';
const APP = '6c6c6c6c-0000-4000-8000-00000000006c';
const SECRET = 'logger-test-secret~canary';

const defaultLog = AzureLogger.log;
let lines: string[];
const managers = new TokenManagers();

/** What a VisualStudioCodeCredential logs for one failed getToken (an `info` line). */
async function vsCodeAttempt(): Promise<void> {
  await new VisualStudioCodeCredential({ tokenManager: managers.create() })
    .getToken(SCOPE)
    .catch(() => undefined);
}

beforeEach(() => {
  lines = [];
  AzureLogger.log = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
});
afterEach(() => {
  AzureLogger.log = defaultLog;
  setLogLevel();
});
afterAll(() => managers.closeAll());

describe('logger', () => {
  it('is an AzureClientLogger of azure:identity, as the anchor’s', () => {
    for (const level of ['verbose', 'info', 'warning', 'error'] as const) {
      expect(typeof logger[level]).toBe('function');
      expect(logger[level].namespace).toBe(anchor.logger[level].namespace);
      expect(logger[level].namespace).toBe(`azure:identity:${level}`);
      expect(typeof logger[level].log).toBe('function');
    }
  });

  it('shares @azure/logger’s level: setLogLevel changes what credentials log, at run time', async () => {
    expect(setLogLevel).toBe(azureLogger.setLogLevel);
    expect(getLogLevel).toBe(azureLogger.getLogLevel);
    await vsCodeAttempt();
    expect(lines).toEqual([]);
    setLogLevel('info');
    expect(getLogLevel()).toBe('info');
    expect(logger.info.enabled).toBe(true);
    await vsCodeAttempt();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^azure:identity:info VisualStudioCodeCredential => getToken\(\) => ERROR\. Scopes: https:\/\/management\.azure\.com\/\.default\. Visual Studio Code Authentication is not available\./,
    );
    azureLogger.setLogLevel('warning'); // through @azure/logger itself, as an app would
    await vsCodeAttempt();
    expect(lines).toHaveLength(1);
  });

  it('passes the anchor’s two arguments to AzureLogger.log, as @azure/identity does', async () => {
    const calls: unknown[][] = [];
    AzureLogger.log = (...args: unknown[]) => void calls.push(args);
    setLogLevel('info');
    await vsCodeAttempt();
    expect(calls[0]).toEqual([
      'azure:identity:info VisualStudioCodeCredential =>',
      expect.stringContaining('getToken() => ERROR.'),
    ]);
  });

  it('redirects one level with logger.<level>.log, and calls a replaced method', async () => {
    setLogLevel('verbose');
    const infoLines: string[] = [];
    const original = logger.info.log;
    logger.info.log = (...args: unknown[]) => void infoLines.push(args.join(' '));
    try {
      await vsCodeAttempt();
    } finally {
      logger.info.log = original;
    }
    expect(infoLines).toHaveLength(1);
    expect(lines).toEqual([]);
    const replaced: unknown[][] = [];
    const debuggerInfo = logger.info;
    logger.info = Object.assign((...args: unknown[]) => void replaced.push(args), {
      enabled: true,
    }) as unknown as typeof logger.info;
    try {
      setLogLevel(); // a replaced method is called whatever the level, as in the SDK
      await vsCodeAttempt();
    } finally {
      logger.info = debuggerInfo;
    }
    expect(replaced).toEqual([['VisualStudioCodeCredential =>', expect.stringContaining('ERROR')]]);
  });

  it('keeps every line redacted', async () => {
    setLogLevel('verbose');
    const em: Emulator = await startEmulator({ apps: [{ clientId: APP, clientSecret: SECRET }] });
    try {
      const wrong = 'wrong-secret~canary-value';
      await new ClientSecretCredential(em.tenantId, APP, wrong, {
        authorityHost: em.url,
        tlsOptions: { ca: em.ca },
        env: {},
        tokenManager: managers.create(),
      })
        .getToken(SCOPE)
        .catch(() => undefined);
      const log = createLogger('Probe', { secrets: [wrong] });
      log.warning(`client_secret=${wrong} and eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl`);
      expect(lines.length).toBeGreaterThan(1);
      const all = lines.join('\n');
      expect(all).not.toContain(wrong);
      expect(all).not.toContain('eyJhbGciOiJIUzI1NiJ9');
      expect(all).toContain('azure:identity:warning Probe => client_secret=[REDACTED]');
    } finally {
      await em.stop();
    }
  });

  it('lets a credential’s own loggingOptions.logLevel through when the shared level is off', async () => {
    await new VisualStudioCodeCredential({
      tokenManager: managers.create(),
      loggingOptions: { logLevel: 'info' },
    })
      .getToken(SCOPE)
      .catch(() => undefined);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^azure:identity:info VisualStudioCodeCredential => /);
  });

  it('takes AZURE_LOG_LEVEL of an injected environment; process.env’s is the shared level', () => {
    expect(logLevelFromEnv({ AZURE_LOG_LEVEL: 'Warning ' })).toBe('warning');
    expect(logLevelFromEnv({ AZURE_LOG_LEVEL: 'loud' })).toBeUndefined();
    expect(logLevelFromEnv(process.env)).toBeUndefined();
  });

  it('follows AZURE_LOG_LEVEL of the process, as @azure/logger reads it at start', () => {
    ensureBuilt(['dist/esm/index.js']);
    const url = pathToFileURL(join(ROOT, 'dist', 'esm', 'index.js')).href;
    const script = `const { logger, getLogLevel } = await import(${JSON.stringify(url)});
      console.log(JSON.stringify([getLogLevel(), logger.warning.enabled, logger.info.enabled]));`;
    const run = (level: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', script], {
          env: { PATH: process.env.PATH ?? '', AZURE_LOG_LEVEL: level },
          encoding: 'utf8',
        }),
      ) as unknown;
    expect(run('warning')).toEqual(['warning', true, false]);
    expect(run('verbose')).toEqual(['verbose', true, true]);
  });
});
