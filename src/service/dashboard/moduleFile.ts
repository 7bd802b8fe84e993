import { fileURLToPath } from 'node:url';

/**
 * The path of this file. The one source compiles to the ESM and the CommonJS build, where
 * `import.meta.url` and `__filename` are each a syntax error or undefined in the other, so the
 * path is read from V8's call site of this very function instead.
 */
export function moduleFile(): string {
  const { prepareStackTrace, stackTraceLimit } = Error;
  try {
    Error.stackTraceLimit = 1;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder);
    const file = (holder.stack as NodeJS.CallSite[] | undefined)?.[0]?.getFileName();
    if (typeof file !== 'string') throw new TypeError('No call site for moduleFile().');
    return file.startsWith('file:') ? fileURLToPath(file) : file;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}
