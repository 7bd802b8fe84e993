import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * The heap in use right after a full garbage collection, so that two readings compare what is
 * retained rather than what has not been collected yet. Undefined when the runtime refuses to
 * expose `gc`.
 */
export function retainedHeapBytes(): number | undefined {
  const gc = exposedGc();
  if (gc === undefined) return undefined;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

let cached: (() => void) | null | undefined;

function exposedGc(): (() => void) | undefined {
  if (cached === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const gc: unknown = vm.runInNewContext('gc');
      cached = typeof gc === 'function' ? (gc as () => void) : null;
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}
