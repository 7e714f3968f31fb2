import { readdirSync, readFileSync } from 'node:fs';
import { parseCpuSeconds } from './process-sampler.js';

/** One process of a sampled tree, as last read. */
export interface TreeProcess {
  readonly pid: number;
  /** The command name (`comm`): node, etcdutl, ... */
  readonly command: string;
  /** Local times (ms since the epoch) the process was first and last seen. */
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** The kernel's high-water mark of its resident set (VmHWM), so no peak falls between samples. */
  readonly peakRssMiB: number;
  readonly cpuSeconds: number;
}

/** VmHWM of /proc/<pid>/status, in MiB. */
export function parsePeakRssMiB(status: string): number {
  const kib = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kib === undefined ? 0 : Number(kib) / 1024;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
    if (text) out.push(...text.split(' ').map(Number));
  }
  return out;
}

/**
 * Reads a process and its descendants every `intervalMs` (peak RSS, CPU, when
 * each was alive) until stopped: the root's memory apart from the tools it runs
 * (etcdutl), and when each tool ran, which splits a run into its phases.
 */
export class TreeSampler {
  private readonly seen = new Map<number, TreeProcess>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly root: number,
    intervalMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes a last reading and stops. */
  stop(): TreeProcess[] {
    clearInterval(this.timer);
    return [...this.seen.values()];
  }

  private sample(): void {
    const pending = [this.root];
    while (pending.length > 0) {
      const pid = pending.pop()!;
      try {
        this.read(pid);
        pending.push(...childrenOf(pid));
      } catch {
        // Gone between two reads: its last reading stands.
      }
    }
  }

  private read(pid: number): void {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const now = Date.now();
    const before = this.seen.get(pid);
    this.seen.set(pid, {
      pid,
      command: /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?',
      firstSeen: before?.firstSeen ?? now,
      lastSeen: now,
      peakRssMiB: Math.max(before?.peakRssMiB ?? 0, parsePeakRssMiB(status)),
      cpuSeconds: parseCpuSeconds(stat),
    });
  }
}
