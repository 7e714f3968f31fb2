import { mkdir } from 'node:fs/promises';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { ContainerProcess } from './container-process.js';
import { newRecord, type ContainerRecord } from './container-record.js';
import { runContainer } from './container-runner.js';
import { findUnrunnable, type PodUnrunnable } from './pod-checks.js';
import { podPaths, type PodPaths } from './pod-paths.js';
import { buildPodStatus, finalView, type PodRuntimeView } from './pod-status.js';
import { setUpVolumes } from './pod-volumes.js';
import { Sleeper } from './sleeper.js';
import { StatusReporter } from './status-writer.js';
import type { PlannedVolume } from './volume-plan.js';
import type { RunContext, WorkerDeps } from './worker-deps.js';

/** `terminate`: SIGTERM, then SIGKILL after the grace period, and report. `silent`: stop without writing anything. */
type StopMode = 'terminate' | 'silent';

const MAX_GRACE_SECONDS = 10;
const SHUTDOWN_GRACE_MS = 3000;

export const DEADLINE_EXCEEDED = {
  reason: 'DeadlineExceeded',
  message: 'Pod was active on the node longer than the specified deadline',
};

/** Seconds between SIGTERM and SIGKILL for a deleted pod, capped so tests stay fast. */
export function gracePeriodSeconds(pod: V1Pod): number {
  const requested =
    pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, Math.min(requested, MAX_GRACE_SECONDS));
}

/**
 * Runs one pod from start to its end, as the kubelet's pod worker does: volumes,
 * init containers in order, then the containers together, reporting every
 * transition; then, if the pod is being deleted, the final delete.
 */
export class PodWorker {
  readonly done: Promise<void>;
  private pod: V1Pod;
  private readonly paths: PodPaths;
  private readonly reporter: StatusReporter;
  private readonly sleeper = new Sleeper();
  private readonly processes = new Set<ContainerProcess>();
  private view: PodRuntimeView;
  private stopMode: StopMode | undefined;
  private gone = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    pod: V1Pod,
    private readonly deps: WorkerDeps,
  ) {
    this.pod = pod;
    this.paths = podPaths(deps.workDir, pod);
    const hasInit = (pod.spec?.initContainers ?? []).length > 0;
    const records = (cs: V1Container[] | undefined, reason: string): ContainerRecord[] =>
      (cs ?? []).map((c) => newRecord(c.name, c.image ?? '', reason));
    this.view = {
      init: records(pod.spec?.initContainers, 'PodInitializing'),
      main: records(pod.spec?.containers, hasInit ? 'PodInitializing' : 'ContainerCreating'),
      startTime: deps.now(),
      terminal: false,
    };
    const render = (base: V1Pod) => buildPodStatus(base, this.view, deps.placement, deps.now());
    this.reporter = new StatusReporter(pod, deps.kube, render, () => this.onGone(), deps.log);
    this.update(pod);
    this.done = this.run();
  }

  /** The latest pod object: a deletion starts the graceful stop. */
  update(pod: V1Pod): void {
    this.pod = pod;
    this.reporter.setBase(pod);
    if (pod.metadata?.deletionTimestamp) this.terminate(gracePeriodSeconds(pod));
  }

  /** The pod object is gone: kill at once, report nothing. */
  kill(): void {
    this.stopSilently(0);
  }

  /** The agent is stopping: SIGTERM, SIGKILL after 3 s, report nothing. */
  async shutdown(): Promise<void> {
    this.stopSilently(SHUTDOWN_GRACE_MS);
    await this.done;
  }

  private onGone(): void {
    this.gone = true;
    this.kill();
  }

  private terminate(graceSeconds: number, failure?: PodRuntimeView['failure']): void {
    if (this.stopMode || this.view.terminal) return;
    this.stopMode = 'terminate';
    if (failure) this.view = { ...this.view, failure };
    this.signalAll('SIGTERM', graceSeconds * 1000);
  }

  private stopSilently(graceMs: number): void {
    this.stopMode = 'silent';
    this.reporter.disable();
    this.signalAll(graceMs > 0 ? 'SIGTERM' : 'SIGKILL', graceMs);
  }

  private signalAll(first: NodeJS.Signals, killAfterMs: number): void {
    for (const p of this.processes) p.signal(first);
    if (first !== 'SIGKILL')
      this.later(killAfterMs, () => this.processes.forEach((p) => p.signal('SIGKILL')));
    this.sleeper.wakeAll();
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private report(): void {
    this.reporter.request();
  }

  private async run(): Promise<void> {
    try {
      this.report();
      if (!this.stopMode) await this.execute();
    } catch (err) {
      this.deps.log('pod worker failed', { pod: this.pod.metadata?.name, error: String(err) });
      this.view = {
        ...this.view,
        failure: this.view.failure ?? { reason: 'NodeAgentError', message: String(err) },
      };
    }
    await this.finish().catch((err: unknown) =>
      this.deps.log('pod worker finish failed', {
        pod: this.pod.metadata?.name,
        error: String(err),
      }),
    );
  }

  private async execute(): Promise<void> {
    const spec = this.pod.spec;
    const unrunnable = findUnrunnable(this.pod, this.deps.images);
    if (unrunnable) return this.failUnrunnable(unrunnable);
    await mkdir(this.paths.root, { recursive: true });
    this.armDeadline();
    const volumes = await setUpVolumes({
      ...this.context([]),
      waiting: (m) => this.volumesWaiting(m),
    });
    if (!volumes) return;
    const ctx = this.context(volumes);
    const init = spec?.initContainers ?? [];
    for (const [i, c] of init.entries()) {
      const exit = await runContainer(ctx, c, this.view.init[i]!, true);
      if (!exit || exit.exitCode !== 0) return;
    }
    for (const r of this.view.main)
      if (r.state.kind === 'waiting') r.state = { kind: 'waiting', reason: 'ContainerCreating' };
    if (init.length > 0) this.report();
    // allSettled: every runner has ended (and its process with it) before the pod is finished.
    const runs = await Promise.allSettled(
      (spec?.containers ?? []).map((c, i) => runContainer(ctx, c, this.view.main[i]!, false)),
    );
    const failed = runs.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** The pod can never run here: fail it at once, naming the container at fault. */
  private failUnrunnable(why: PodUnrunnable): void {
    if (why.container) {
      const rec = (why.container.init ? this.view.init : this.view.main)[why.container.index]!;
      const now = this.deps.now();
      rec.state = {
        kind: 'terminated',
        exitCode: 128,
        reason: why.reason,
        message: why.message,
        startedAt: now,
        finishedAt: now,
      };
    }
    this.view = { ...this.view, failure: { reason: why.reason, message: why.message } };
    this.deps.log('pod cannot run here', {
      pod: this.pod.metadata?.name,
      reason: why.reason,
      message: why.message,
    });
  }

  private armDeadline(): void {
    const seconds = this.pod.spec?.activeDeadlineSeconds;
    if (seconds === undefined) return;
    const remaining = this.view.startTime.getTime() + seconds * 1000 - this.deps.now().getTime();
    this.later(Math.max(0, remaining), () =>
      this.terminate(gracePeriodSeconds({ spec: this.pod.spec }), DEADLINE_EXCEEDED),
    );
  }

  private volumesWaiting(message: string): void {
    for (const r of [...this.view.init, ...this.view.main]) {
      const reason = r.state.kind === 'waiting' ? r.state.reason : 'ContainerCreating';
      r.state = { kind: 'waiting', reason, message };
    }
    this.report();
  }

  private context(volumes: readonly PlannedVolume[]): RunContext {
    return {
      deps: this.deps,
      paths: this.paths,
      volumes,
      pod: () => this.pod,
      stopping: () => this.stopMode !== undefined,
      report: () => this.report(),
      sleep: (ms) => this.sleeper.sleep(ms),
      track: (proc) => {
        this.processes.add(proc);
        if (this.stopMode) proc.signal(this.stopMode === 'silent' ? 'SIGKILL' : 'SIGTERM');
        return () => this.processes.delete(proc);
      },
    };
  }

  /** Reports the terminal status and, for a deleted pod, removes it with grace period 0 as the kubelet does. */
  private async finish(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.view = finalView(this.view, this.deps.now(), 'Error');
    if (this.stopMode === 'silent') return this.reporter.flush();
    this.report();
    await this.reporter.flush();
    if (this.gone || !this.pod.metadata?.deletionTimestamp) return;
    await this.deps.kube.deletePod(this.pod).catch((err: unknown) =>
      this.deps.log('final pod delete failed', {
        pod: this.pod.metadata?.name,
        error: String(err),
      }),
    );
  }
}
