import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One reading of a process: CPU seconds used so far (user + system) and resident set size. */
export interface ProcessSample {
  /** Local time of the reading (ms since the epoch). */
  readonly at: number;
  readonly cpuSeconds: number;
  readonly rssMiB: number;
  /** CPU seconds the whole machine has been busy (all cores; /proc/stat). */
  readonly machineBusySeconds: number;
}

/** CPU and memory of a process over a time window. */
export interface WindowStats {
  readonly seconds: number;
  /** Mean CPU over the window, in % of one core. */
  readonly cpuPercent: number;
  /** The busiest second of the window, in % of one core. */
  readonly peakCpuPercent: number;
  /** RSS at the end of the window. */
  readonly rssMiB: number;
  readonly peakRssMiB: number;
  /** Mean busy CPU of the whole machine over the window, in % of one core (all cores: up to cores x 100). */
  readonly machineCpuPercent: number;
}

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime + stime (fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command). */
export function parseCpuSeconds(stat: string, ticksPerSecond = clockTicks): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** VmRSS of /proc/<pid>/status, in MiB. */
export function parseRssMiB(status: string): number {
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kib === undefined ? 0 : Number(kib) / 1024;
}

/** Busy seconds of all CPUs from /proc/stat's first line (everything but idle and iowait). */
export function parseMachineBusySeconds(stat: string, ticksPerSecond = clockTicks): number {
  const fields = stat.split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields as number[];
  return (user! + nice! + system! + irq! + softirq! + steal!) / ticksPerSecond;
}

/** Readings between `from` and `to` (inclusive): mean and busiest-second CPU, last and peak RSS. */
export function windowStats(
  samples: readonly ProcessSample[],
  from: number,
  to: number,
): WindowStats {
  const inside = samples.filter((s) => s.at >= from && s.at <= to);
  const first = inside[0];
  const last = inside.at(-1);
  if (!first || !last || last.at === first.at) {
    throw new Error(`fewer than two samples between ${from} and ${to}`);
  }
  const percent = (a: ProcessSample, b: ProcessSample) =>
    ((b.cpuSeconds - a.cpuSeconds) / ((b.at - a.at) / 1000)) * 100;
  let peakCpuPercent = 0;
  let start = 0;
  for (let end = 1; end < inside.length; end++) {
    while (inside[end]!.at - inside[start + 1]!.at >= 1000) start++;
    if (inside[end]!.at - inside[start]!.at >= 1000) {
      peakCpuPercent = Math.max(peakCpuPercent, percent(inside[start]!, inside[end]!));
    }
  }
  return {
    seconds: (last.at - first.at) / 1000,
    cpuPercent: percent(first, last),
    peakCpuPercent,
    rssMiB: last.rssMiB,
    peakRssMiB: Math.max(...inside.map((s) => s.rssMiB)),
    machineCpuPercent:
      ((last.machineBusySeconds - first.machineBusySeconds) / ((last.at - first.at) / 1000)) * 100,
  };
}

/** Reads /proc/<pid> every `intervalMs` until stopped (or the process is gone). */
export class ProcessSampler {
  readonly samples: ProcessSample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 250,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Stats between two local times; both must lie within the sampled period. */
  window(from: number, to: number): WindowStats {
    return windowStats(this.samples, from, to);
  }

  private sample(): void {
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      this.samples.push({
        at: Date.now(),
        cpuSeconds: parseCpuSeconds(stat),
        rssMiB: parseRssMiB(status),
        machineBusySeconds: parseMachineBusySeconds(readFileSync('/proc/stat', 'utf8')),
      });
    } catch {
      this.stop();
    }
  }
}
