// The operator under load: BENCH_OPERATOR_BACKUPS (default 1,000) EtcdBackups all due on the
// same minute, on a bed without a node agent (Pods stay Pending: only Job creation is timed).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { installCrds, startOperator } from '../support/operator.js';
import type { ManagedProcess } from '../support/testbed/managed-process.js';
import { startTestBed, type TestBed } from '../support/testbed/testbed.js';
import {
  countScheduled,
  createBackups,
  dailyCronAt,
  JobArrivals,
  prepareNamespace,
} from './operator-fixture.js';
import { ProcessSampler, type WindowStats } from './process-sampler.js';

export interface OperatorFigures {
  readonly backups: number;
  /** Seconds to create the EtcdBackups (16 creates in flight). */
  readonly createSeconds: number;
  /** Seconds from the first create until the operator had planned all (nextScheduleTime set). */
  readonly plannedSeconds: number;
  readonly tick: string;
  /** Jobs seen within the timeout. */
  readonly jobs: number;
  /** Seconds from the tick to the last Job's watch event, or undefined if not all appeared. */
  readonly allCreatedSeconds: number | undefined;
  /** Per-Job lag from the tick to its watch event, in seconds. */
  readonly lag: {
    readonly first: number;
    readonly p50: number;
    readonly p95: number;
    readonly p100: number;
  };
  /** No EtcdBackups yet. */
  readonly baseline: WindowStats;
  /** All EtcdBackups planned, before the tick. */
  readonly idle: WindowStats;
  /** From the tick until the steady window starts. */
  readonly burst: WindowStats;
  /** After the burst, Jobs and Pods in place (Pending). */
  readonly after: WindowStats;
  /**
   * Fixed 30-s windows from the tick on (0-30 s, 30-60 s, ...): how soon the operator is idle
   * again, whatever the quiet detection decided. CPU seconds hold on a busy machine too.
   */
  readonly fromTick: readonly TickWindow[];
  /** Reconciles the operator ran during the idle window before the tick. */
  readonly idleReconciles: number;
  /** At the end of the idle windows and of the steady one. */
  readonly memory: {
    readonly baseline: MemoryFigures;
    readonly idle: MemoryFigures;
    readonly after: MemoryFigures;
  };
  /** Reconcile counters from the operator's /metrics at the end. */
  readonly reconciles: string;
}

export interface TickWindow {
  /** Seconds after the tick. */
  readonly from: number;
  readonly to: number;
  readonly cpuSeconds: number;
  readonly stats: WindowStats;
}

/** MiB: V8 heap in use and reserved, and memory outside it held by JS objects (Buffers). */
export interface MemoryFigures {
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

const NAMESPACE = 'bench';
const WINDOW_MS = 30_000;
const SETTLE_MS = 5_000;
const AFTER_BURST_MS = 10_000;
const JOB_TIMEOUT_MS = 120_000;
const QUIET_CPU_PERCENT = 5;
const QUIET_TIMEOUT_MS = 300_000;
/** The fixed windows after the tick cover this long (the run waits for it). */
const FROM_TICK_MS = 180_000;
const env = process.env;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export async function runOperatorBench(
  dir: string,
  log: (line: string) => void,
): Promise<OperatorFigures> {
  const count = Number(env.BENCH_OPERATOR_BACKUPS ?? 1000);
  const leadMs = Number(env.BENCH_OPERATOR_LEAD_S ?? 150) * 1000;
  const bed = await startTestBed({ dir: path.join(dir, 'bed'), nodeAgent: false, progress: log });
  let operator: ManagedProcess | undefined;
  let sampler: ProcessSampler | undefined;
  let arrivals: JobArrivals | undefined;
  try {
    await installCrds(bed);
    await prepareNamespace(bed, NAMESPACE);
    operator = await startProfiledOperator(bed);
    const logFile = operator.spec.logFile;
    await operator.waitUntil(
      async () =>
        existsSync(logFile) && readFileSync(logFile, 'utf8').includes('controllers started'),
      60_000,
      'leading with controllers started',
    );
    sampler = new ProcessSampler(operator.pid!);
    await sleep(SETTLE_MS);
    log(`operator idle with no EtcdBackups for ${WINDOW_MS / 1000} s...`);
    const baselineFrom = Date.now();
    await sleep(WINDOW_MS);
    const baseline = sampler.window(baselineFrom, Date.now());
    const baselineMemory = await memoryOf(operator);
    arrivals = new JobArrivals(bed, NAMESPACE);
    await arrivals.start();

    const tick = Math.ceil((Date.now() + leadMs) / 60_000) * 60_000;
    log(
      `creating ${count} EtcdBackups on "${dailyCronAt(new Date(tick))}" (${new Date(tick).toISOString()})...`,
    );
    const createFrom = Date.now();
    await createBackups(bed, NAMESPACE, count, dailyCronAt(new Date(tick)));
    const createSeconds = (Date.now() - createFrom) / 1000;
    while ((await countScheduled(bed, NAMESPACE)) < count) {
      if (Date.now() > tick - 20_000) throw new Error('backups not planned 20 s before the tick');
      await sleep(500);
    }
    const plannedSeconds = (Date.now() - createFrom) / 1000;
    log(
      `  created in ${createSeconds.toFixed(1)} s, all planned after ${plannedSeconds.toFixed(1)} s`,
    );
    const idleFrom = Date.now() + SETTLE_MS;
    const idleTo = Math.min(idleFrom + WINDOW_MS, tick - 2_000);
    if (idleTo - idleFrom < 10_000) {
      throw new Error('under 10 s of idle time before the tick: raise BENCH_OPERATOR_LEAD_S');
    }
    await sleep(idleFrom - Date.now());
    const reconcilesBefore = await reconcileCount(operator);
    await sleep(idleTo - Date.now());
    const idle = sampler.window(idleFrom, idleTo);
    const idleReconciles = (await reconcileCount(operator)) - reconcilesBefore;
    const idleMemory = await memoryOf(operator);
    log(
      `  idle ${idle.cpuPercent.toFixed(2)} % CPU, ${idle.rssMiB.toFixed(0)} MiB; waiting for the tick...`,
    );

    await sleep(tick - Date.now());
    const all = await arrivals.waitFor(count, JOB_TIMEOUT_MS + tick - Date.now());
    const lags = [...arrivals.seenAt.values()]
      .map((at) => (at - tick) / 1000)
      .sort((a, b) => a - b);
    const last = tick + (lags.at(-1) ?? 0) * 1000;
    log(`  ${lags.length} Jobs, the last ${((last - tick) / 1000).toFixed(1)} s after the tick`);
    const steadyFrom = await quiet(sampler, Math.max(last, Date.now()) + AFTER_BURST_MS);
    log(`  quiet ${((steadyFrom - tick) / 1000).toFixed(0)} s after the tick`);
    await sleep(steadyFrom + WINDOW_MS - Date.now());
    const after = sampler.window(steadyFrom, steadyFrom + WINDOW_MS);
    const afterMemory = await memoryOf(operator);
    await sleep(tick + FROM_TICK_MS + 500 - Date.now());
    const figures: OperatorFigures = {
      backups: count,
      createSeconds,
      plannedSeconds,
      tick: new Date(tick).toISOString(),
      jobs: lags.length,
      allCreatedSeconds: all ? (last - tick) / 1000 : undefined,
      lag: {
        first: lags[0] ?? NaN,
        p50: percentile(lags, 0.5),
        p95: percentile(lags, 0.95),
        p100: lags.at(-1) ?? NaN,
      },
      baseline,
      idle,
      burst: sampler.window(tick, steadyFrom),
      after,
      fromTick: tickWindows(sampler, tick),
      memory: { baseline: baselineMemory, idle: idleMemory, after: afterMemory },
      idleReconciles,
      reconciles: await reconcileMetrics(operator),
    };
    log(
      `  after the burst ${figures.after.cpuPercent.toFixed(2)} % CPU, ${figures.after.rssMiB.toFixed(0)} MiB`,
    );
    return figures;
  } catch (err) {
    log(bed.logTails(20));
    throw err;
  } finally {
    sampler?.stop();
    await arrivals?.stop();
    await operator?.stop(30_000);
    await bed.stop();
  }
}

/**
 * The first time from `notBefore` on at which the operator used under QUIET_CPU_PERCENT
 * over the last 5 s: the Jobs' Pods keep coming for a while after the last Job (the job
 * controller creates them at its own pace) and each wakes a reconcile. Gives up after 5 min.
 */
async function quiet(sampler: ProcessSampler, notBefore: number): Promise<number> {
  await sleep(notBefore - Date.now());
  const deadline = Date.now() + QUIET_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (sampler.window(Date.now() - 5_000, Date.now()).cpuPercent < QUIET_CPU_PERCENT) break;
    await sleep(1_000);
  }
  return Date.now();
}

function tickWindows(sampler: ProcessSampler, tick: number): TickWindow[] {
  const windows: TickWindow[] = [];
  for (let from = 0; from < FROM_TICK_MS; from += WINDOW_MS) {
    const stats = sampler.window(tick + from, tick + from + WINDOW_MS);
    const cpuSeconds = (stats.cpuPercent / 100) * stats.seconds;
    windows.push({ from: from / 1000, to: (from + WINDOW_MS) / 1000, cpuSeconds, stats });
  }
  return windows;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/**
 * startOperator, with BENCH_OPERATOR_NODE_OPTIONS added to the operator's NODE_OPTIONS, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` (written when the operator exits on SIGTERM).
 */
async function startProfiledOperator(bed: TestBed): Promise<ManagedProcess> {
  const extra = env.BENCH_OPERATOR_NODE_OPTIONS;
  if (!extra) return startOperator(bed, 'default');
  const previous = env.NODE_OPTIONS;
  env.NODE_OPTIONS = `${previous ?? ''} ${extra}`.trim();
  try {
    return await startOperator(bed, 'default');
  } finally {
    if (previous === undefined) delete env.NODE_OPTIONS;
    else env.NODE_OPTIONS = previous;
  }
}

async function operatorMetrics(operator: ManagedProcess): Promise<string> {
  const args = operator.spec.args;
  const port = args[args.indexOf('--health-port') + 1];
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

/** Where the operator's memory is, from prom-client's process metrics, in MiB. */
async function memoryOf(operator: ManagedProcess): Promise<MemoryFigures> {
  const text = await operatorMetrics(operator);
  const mib = (metric: string) =>
    Number(new RegExp(`^${metric} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 1024 ** 2;
  return {
    heapUsed: mib('nodejs_heap_size_used_bytes'),
    heapTotal: mib('nodejs_heap_size_total_bytes'),
    external: mib('nodejs_external_memory_bytes'),
  };
}

/** Reconciles run so far, all controllers and results. */
async function reconcileCount(operator: ManagedProcess): Promise<number> {
  const text = await operatorMetrics(operator);
  return [...text.matchAll(/^\w*reconcile_total\{[^}]*\} (\S+)$/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

async function reconcileMetrics(operator: ManagedProcess): Promise<string> {
  try {
    const text = await operatorMetrics(operator);
    return text
      .split('\n')
      .filter((l) =>
        /^\w*(reconcile_total|reconcile_errors_total|workqueue_adds_total|workqueue_retries_total|reconcile_duration_seconds_(sum|count))/.test(
          l,
        ),
      )
      .join('\n');
  } catch (err) {
    return `metrics unavailable: ${String(err)}`;
  }
}
