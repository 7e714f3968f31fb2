import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { kubernetesServiceEnv } from './env.js';
import type { PodPlacement } from './field-ref.js';
import { clientNodeKube } from './kube-adapter.js';
import type { NodeAgentKube } from './kube-port.js';
import type { Log } from './log.js';
import { NodeHeartbeat } from './node-heartbeat.js';
import { NodeLogServer } from './log-server.js';
import { NODE_IP } from './node-object.js';
import { PodSource } from './pod-source.js';
import { hasStartedContainers, orphanedPodStatus } from './pod-status.js';
import { PodWorker } from './pod-worker.js';
import { replaceStatus } from './status-writer.js';
import type { WorkerDeps } from './worker-deps.js';

export interface NodeAgentOptions {
  /** Admin credentials to a real kube-apiserver. */
  kubeConfig: KubeConfig;
  nodeName: string;
  /** Per-pod directories go under `<workDir>/pods/`. */
  workDir: string;
  /** Which images are "the operator's own image": the only ones that run. */
  images: (image: string) => boolean;
  /** The project's entrypoint, e.g. [process.execPath, 'dist/main.js']: what `etcd-snapshot` runs as. */
  entrypoint: readonly string[];
  /** For KUBERNETES_SERVICE_HOST/PORT in every container. */
  apiServerHost: string;
  apiServerPort: number;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Knobs for tests of the agent itself; the defaults suit the bed. */
export interface NodeAgentTuning {
  /** Replaces the client-node adapter (unit tests use a fake). */
  kube?: NodeAgentKube;
  leaseRenewMs?: number;
  resyncMs?: number;
  /** Retry interval for a missing Secret, ConfigMap or token. */
  retryMs?: number;
}

const uidOf = (pod: V1Pod): string => pod.metadata?.uid ?? '';
const isTerminal = (pod: V1Pod): boolean =>
  pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const usesDefaultScheduler = (pod: V1Pod): boolean =>
  !pod.spec?.schedulerName || pod.spec.schedulerName === 'default-scheduler';

/**
 * The test bed's kubelet and scheduler in one: registers a Node, binds every
 * pending pod to it, and runs the pods bound to it as local processes of the
 * project's own entrypoint. Level-triggered: every decision is taken from the
 * pod's current object, keyed by uid.
 */
export class NodeAgent {
  private readonly kube: NodeAgentKube;
  private readonly deps: WorkerDeps;
  private readonly log: Log;
  private readonly workers = new Map<string, PodWorker>();
  /** Pods this agent has run to their end (or seen vanish): never started again. */
  private readonly finished = new Set<string>();
  private readonly deleted = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly heartbeat: NodeHeartbeat;
  private readonly logServer: NodeLogServer;
  private readonly source: PodSource;
  private readonly placement: PodPlacement;
  private stopped = false;

  constructor(
    private readonly opts: NodeAgentOptions,
    tuning: NodeAgentTuning = {},
  ) {
    this.kube = tuning.kube ?? clientNodeKube(opts.kubeConfig);
    this.log = opts.log;
    this.placement = { nodeName: opts.nodeName, podIP: NODE_IP, hostIP: NODE_IP };
    this.deps = {
      kube: this.kube,
      workDir: opts.workDir,
      images: opts.images,
      entrypoint: opts.entrypoint,
      serviceEnv: kubernetesServiceEnv(opts.apiServerHost, opts.apiServerPort),
      searchPath: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      placement: this.placement,
      log: opts.log,
      retryMs: tuning.retryMs ?? 2000,
      now: () => new Date(),
    };
    this.heartbeat = new NodeHeartbeat(this.kube, opts.nodeName, opts.log, tuning.leaseRenewMs);
    this.logServer = new NodeLogServer(opts.workDir, opts.log);
    this.source = new PodSource({
      kube: this.kube,
      onPod: (pod) => this.onPod(pod),
      onGone: (uid) => this.onGone(uid),
      log: opts.log,
      resyncMs: tuning.resyncMs,
    });
  }

  /** Resolves once the Node is registered and the first pod list was handled. */
  async start(): Promise<void> {
    this.heartbeat.kubeletPort = await this.logServer.start();
    await this.heartbeat.start();
    await this.source.start();
    this.log('node agent started', { node: this.opts.nodeName });
  }

  /** Kills every process (SIGKILL after 3 s), ends watches and timers; resolves when all is down. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([this.source.stop(), this.heartbeat.stop(), this.logServer.stop()]);
    await Promise.all([...this.workers.values()].map((w) => w.shutdown()));
    await Promise.allSettled(this.inFlight.values());
    this.log('node agent stopped', { node: this.opts.nodeName });
  }

  private onPod(pod: V1Pod): void {
    if (this.stopped) return;
    const uid = uidOf(pod);
    const worker = this.workers.get(uid);
    if (worker) return worker.update(pod);
    if (!pod.spec?.nodeName) return this.bind(pod);
    if (pod.spec.nodeName !== this.opts.nodeName) return;
    if (this.finished.has(uid) || isTerminal(pod)) return this.finalDelete(pod);
    // Not ours to resume (the agent restarted): fail it, once the write succeeds it counts as finished.
    if (hasStartedContainers(pod)) return this.failOrphan(pod);
    this.startWorker(pod);
  }

  private onGone(uid: string): void {
    this.finished.add(uid);
    this.workers.get(uid)?.kill();
  }

  private startWorker(pod: V1Pod): void {
    const uid = uidOf(pod);
    this.log('pod starting', { pod: pod.metadata?.name, namespace: pod.metadata?.namespace, uid });
    const worker = new PodWorker(pod, this.deps);
    this.workers.set(uid, worker);
    void worker.done.then(() => {
      this.workers.delete(uid);
      this.finished.add(uid);
      this.log('pod finished', {
        pod: pod.metadata?.name,
        namespace: pod.metadata?.namespace,
        uid,
      });
    });
  }

  /** There is no scheduler in the bed: every pod for the default scheduler lands here. */
  private bind(pod: V1Pod): void {
    if (!usesDefaultScheduler(pod) || isTerminal(pod) || pod.metadata?.deletionTimestamp) return;
    this.once(`bind/${uidOf(pod)}`, async () => {
      await this.kube.bindPod(pod, this.opts.nodeName);
      this.log('pod bound', {
        pod: pod.metadata?.name,
        namespace: pod.metadata?.namespace,
        node: this.opts.nodeName,
      });
    });
  }

  /** A terminal pod being deleted (it may wait on finalizers) is removed once, with grace period 0. */
  private finalDelete(pod: V1Pod): void {
    const uid = uidOf(pod);
    if (!pod.metadata?.deletionTimestamp || !isTerminal(pod) || this.deleted.has(uid)) return;
    this.once(`delete/${uid}`, async () => {
      await this.kube.deletePod(pod);
      this.deleted.add(uid);
    });
  }

  /** A pod that was running when the agent (re)started has lost its processes: it failed. */
  private failOrphan(pod: V1Pod): void {
    const uid = uidOf(pod);
    this.once(`orphan/${uid}`, async () => {
      const render = (current: V1Pod) =>
        isTerminal(current) ? undefined : orphanedPodStatus(current, this.placement, new Date());
      const written = await replaceStatus(this.kube, pod, render);
      this.finished.add(uid);
      this.log('pod failed: agent restarted', {
        pod: pod.metadata?.name,
        namespace: pod.metadata?.namespace,
        uid,
      });
      if (written) this.finalDelete(written);
    });
  }

  /** Runs a one-shot API call unless the same one is already under way; errors are logged, the next sync retries. */
  private once(key: string, fn: () => Promise<void>): void {
    if (this.inFlight.has(key)) return;
    const run = fn()
      .catch((err: unknown) =>
        this.log('node agent call failed', { call: key, error: String(err) }),
      )
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, run);
  }
}
