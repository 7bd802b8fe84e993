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

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lowest level written; `undefined` disables logging. */
  level?: LogLevel;
  /** Default: one line to stderr, `azure:identity:<level> <prefix> => <message>`. */
  sink?: LogSink;
  /** Secrets to remove from every line, in addition to anything token-shaped. */
  secrets?: readonly string[];
}

const ORDER: Record<LogLevel, number> = { verbose: 0, info: 1, warning: 2, error: 3 };

/** Reads `AZURE_LOG_LEVEL` from the given environment; unknown values disable logging. */
export function logLevelFromEnv(env: Record<string, string | undefined>): LogLevel | undefined {
  const value = env.AZURE_LOG_LEVEL?.trim().toLowerCase();
  return value !== undefined && value in ORDER ? (value as LogLevel) : undefined;
}

const stderrSink: LogSink = (level, message) => {
  process.stderr.write(`azure:identity:${level} ${message}\n`);
};

/** Creates a logger whose lines are prefixed (`<Credential> =>`) and redacted. */
export function createLogger(prefix: string, options: LoggerOptions = {}): IdentityLogger {
  const { level, sink = stderrSink, secrets = [] } = options;
  const write = (at: LogLevel) => (message: string) => {
    if (level === undefined || ORDER[at] < ORDER[level]) return;
    sink(at, redact(`${prefix} => ${message}`, secrets));
  };
  return {
    verbose: write('verbose'),
    info: write('info'),
    warning: write('warning'),
    error: write('error'),
  };
}
