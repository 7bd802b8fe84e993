import {
  AzureLogger,
  createClientLogger,
  getLogLevel,
  setLogLevel,
  type AzureClientLogger,
  type AzureLogger as AzureLoggerMethods,
} from '@azure/logger';
import { redact } from './redact.js';

/** Log levels, as `AZURE_LOG_LEVEL` names them. */
export type LogLevel = 'verbose' | 'info' | 'warning' | 'error';

/** Where log lines go. Every line has been redacted before it reaches the sink. */
export type LogSink = (level: LogLevel, message: string) => void;

/** A logger for one credential or component. */
export interface IdentityLogger {
  verbose(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

/**
 * The logger of Azure Identity, `azure:identity`, made by `@azure/logger` as `@azure/identity`
 * makes its own: `logger.info`, `logger.warning`, `logger.verbose` and `logger.error` are the
 * debuggers every credential's lines go through (`azure:identity:<level> <Credential> => …`,
 * redacted). Their level is `@azure/logger`'s: `AZURE_LOG_LEVEL` at start, {@link setLogLevel} at
 * any time (`DEBUG=azure:identity:*` works too). Redirect them as in the Azure SDK:
 * `AzureLogger.log = (...args) => …` for every Azure package, or `logger.info.log = …` for this
 * one level; a method replaced outright (`logger.verbose = myFunction`) is called instead.
 */
export const logger: AzureLoggerMethods = createClientLogger('identity');

export { AzureLogger, getLogLevel, setLogLevel };
export type { AzureClientLogger };

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /**
   * Lowest level written, for this logger alone. Default: the level of `@azure/logger`
   * (`AZURE_LOG_LEVEL`, {@link setLogLevel}), followed as it changes.
   */
  level?: LogLevel;
  /** Default: the `azure:identity` {@link logger} (stderr unless redirected). */
  sink?: LogSink;
  /** Secrets to remove from every line, in addition to anything token-shaped. */
  secrets?: readonly string[];
}

const ORDER: Record<LogLevel, number> = { verbose: 0, info: 1, warning: 2, error: 3 };

/**
 * The level an injected environment asks for: its `AZURE_LOG_LEVEL` (unknown values disable
 * logging). For `process.env` itself it is `undefined`: `@azure/logger` has applied that
 * variable already, and {@link setLogLevel} changes it at run time, so loggers follow the shared
 * level rather than a copy taken at construction.
 */
export function logLevelFromEnv(env: Record<string, string | undefined>): LogLevel | undefined {
  if (env === process.env) return undefined;
  const value = env.AZURE_LOG_LEVEL?.trim().toLowerCase();
  return value !== undefined && value in ORDER ? (value as LogLevel) : undefined;
}

/** Whether the shared `@azure/logger` level lets `at` through. */
function sharedLevelAllows(at: LogLevel): boolean {
  const target: unknown = logger[at];
  if (isDebugger(target)) return target.enabled;
  const shared = getLogLevel();
  return shared !== undefined && ORDER[at] >= ORDER[shared];
}

function isDebugger(value: unknown): value is AzureClientLogger {
  return (
    typeof value === 'function' &&
    typeof (value as Partial<AzureClientLogger>).log === 'function' &&
    typeof (value as Partial<AzureClientLogger>).namespace === 'string'
  );
}

/**
 * Creates a logger whose lines are prefixed (`<Credential> =>`) and redacted. Without a sink they
 * go through {@link logger} as `@azure/identity`'s do: two arguments, `"<Credential> =>"` and the
 * message, after the debugger's `azure:identity:<level>` namespace.
 */
export function createLogger(prefix: string, options: LoggerOptions = {}): IdentityLogger {
  const { level, sink, secrets = [] } = options;
  const allows = (at: LogLevel): boolean =>
    level === undefined ? sharedLevelAllows(at) : ORDER[at] >= ORDER[level];
  const write = (at: LogLevel) => (message: string) => {
    if (sink !== undefined) {
      if (allows(at)) sink(at, redact(`${prefix} => ${message}`, secrets));
      return;
    }
    const head = redact(`${prefix} =>`, secrets);
    const body = redact(message, secrets);
    // Looked up on each line: a method the user replaced, or whose `log` they replaced, is used.
    const target: unknown = logger[at];
    if (typeof target !== 'function') return;
    if (level === undefined) {
      // The debugger decides (the shared level); a replaced method is always called, as in the SDK.
      (target as (...args: unknown[]) => void)(head, body);
    } else if (allows(at)) {
      // This logger's own level lets the line through even when the shared one would not.
      if (isDebugger(target) && !target.enabled) target.log(`${target.namespace} ${head}`, body);
      else (target as (...args: unknown[]) => void)(head, body);
    }
  };
  return {
    verbose: write('verbose'),
    info: write('info'),
    warning: write('warning'),
    error: write('error'),
  };
}
