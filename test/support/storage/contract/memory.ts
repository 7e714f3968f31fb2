// Peak memory held by Buffers while `fn` runs. Garbage would hide the signal
// (V8 collects external memory lazily), so when the flag can be enabled at
// runtime each sample follows a full GC and measures what is really retained.
import v8 from 'node:v8';
import vm from 'node:vm';

function gcFunction(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

export interface MemoryPeak {
  /** Peak growth of Buffer memory (bytes) over the baseline. */
  readonly peak: number;
  /** False when no GC could be forced: `peak` then includes garbage. */
  readonly exact: boolean;
}

/**
 * Samples at most every `intervalMs`, and never spends more than a fifth of
 * the time in forced GCs: on a loaded machine a full GC is slow, and back-to-back
 * GCs would starve the very I/O being measured.
 */
export async function peakBufferMemory(
  fn: () => Promise<unknown>,
  intervalMs = 100,
): Promise<MemoryPeak> {
  const gc = gcFunction();
  gc?.();
  const baseline = process.memoryUsage().arrayBuffers;
  let peak = 0;
  let timer: NodeJS.Timeout | undefined;
  const sample = () => {
    const started = Date.now();
    gc?.();
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
    timer = setTimeout(sample, Math.max(intervalMs, 4 * (Date.now() - started)));
  };
  timer = setTimeout(sample, intervalMs);
  try {
    await fn();
  } finally {
    clearTimeout(timer);
  }
  return { peak, exact: gc !== undefined };
}
