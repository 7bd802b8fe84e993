/** Shared set-up of the developer CLI credential tests: fake tools, a fresh engine, captured logs. */
import { TokenManager, type LogLevel } from '../../../src/index.js';
import { createFakeCli, type FakeCli, type FakeTool } from '../../support/fakeCli.js';

export const MANAGEMENT = 'https://management.azure.com/.default';
export const STORAGE = 'https://storage.azure.com/.default';
export const TENANT = 'contoso.onmicrosoft.com';
export const OTHER_TENANT = '11111111-2222-4333-8444-555555555555';
/** A JWT-shaped value, wherever it appears. */
export const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\./;

export interface Harness {
  cli: FakeCli;
  manager: TokenManager;
  logs: string[];
}

/** A fresh fake folder, engine and log per test, released after it. */
export function useHarness(tools: FakeTool[]): Harness {
  const harness = {} as Harness;
  beforeEach(() => {
    harness.cli = createFakeCli(tools);
    harness.manager = new TokenManager();
    harness.logs = [];
  });
  afterEach(async () => {
    await harness.manager.close();
    harness.cli.cleanup();
  });
  return harness;
}

/** Options for a credential on the harness: its PATH, engine and log sink. */
export function optionsOf<T extends object>(harness: Harness, extra?: T) {
  return {
    env: harness.cli.env,
    tokenManager: harness.manager,
    loggingOptions: {
      logLevel: 'verbose' as LogLevel,
      sink: (level: LogLevel, line: string) => harness.logs.push(`${level} ${line}`),
    },
    ...extra,
  };
}

/** Every text an error carries: its message and its causes' messages. */
export function textOf(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join('\n');
}
