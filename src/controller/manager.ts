import type { Registry } from 'prom-client';
import type { KubeObject } from '../kube/resource-client.js';
import type { ListWatchSource } from '../kube/list-watch.js';
import { startHealthServer, type HealthServer } from '../observability/health-server.js';
import { reconcileLogger, type Logger } from '../observability/logger.js';
import { createControllerMetrics, type ControllerMetrics } from '../observability/metrics.js';
import { sleep, type Clock } from './clock.js';
import { Informer, type InformerOptions } from './informer.js';
import { LeaderElector, type LeaderElectionOptions } from './leader-election.js';
import { parseKey } from './object-key.js';
import { WorkQueue, type WorkQueueOptions } from './work-queue.js';

export interface ReconcileResult {
  readonly requeueAfterMs?: number;
}

/** Level-triggered: reads current state for `key`; throwing means "transient, back off". */
export type Reconciler = (key: string, log: Logger) => Promise<ReconcileResult>;

export interface ControllerRegistration {
  readonly name: string;
  readonly reconcile: Reconciler;
  readonly concurrency?: number;
  readonly queue?: Pick<WorkQueueOptions, 'baseBackoffMs' | 'maxBackoffMs'>;
}

export interface ManagerOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly metrics?: ControllerMetrics;
  /** Omit to run without election (a single replica, or the CLI). */
  readonly leaderElection?: Omit<LeaderElectionOptions, 'callbacks' | 'clock' | 'logger'>;
  /** Serves /healthz, /readyz and /metrics when given. */
  readonly health?: { readonly port: number; readonly host?: string };
  /** Leadership was lost: the process must exit non-zero so Kubernetes restarts it. */
  readonly onFatal: (reason: string) => void;
}

type InformerDefaults = 'clock' | 'logger' | 'onRestart' | 'source' | 'name';

/**
 * Runs informers on every replica (warm caches make failover quick), and the
 * controllers' workers only on the leader once all caches have synced.
 */
export class Manager {
  readonly metrics: ControllerMetrics;
  private readonly informers: Informer<KubeObject>[] = [];
  private readonly controllers: Array<{ reg: ControllerRegistration; queue: WorkQueue }> = [];
  private readonly elector: LeaderElector | undefined;
  private healthServer: HealthServer | undefined;
  private leading = false;
  private lost = false;
  private stopping = false;
  private workersStarted = false;

  /** Where controllers register their own metrics, served on /metrics. */
  get registry(): Registry {
    return this.options.registry;
  }

  constructor(private readonly options: ManagerOptions) {
    this.metrics = options.metrics ?? createControllerMetrics(options.registry);
    if (options.leaderElection) {
      this.elector = new LeaderElector({
        ...options.leaderElection,
        clock: options.clock,
        logger: options.logger,
        callbacks: {
          onStartedLeading: () => this.onStartedLeading(),
          onStoppedLeading: () => this.onStoppedLeading(),
          onNewLeader: (id) => options.logger.info({ leader: id }, 'new leader observed'),
        },
      });
    }
  }

  get healthPort(): number | undefined {
    return this.healthServer?.port;
  }

  informer<T extends KubeObject>(
    name: string,
    source: ListWatchSource<T>,
    extra: Omit<InformerOptions<T>, InformerDefaults> = {},
  ): Informer<T> {
    const informer = new Informer<T>({
      ...extra,
      name,
      source,
      clock: this.options.clock,
      logger: this.options.logger,
      onRestart: (reason) => this.metrics.informerRestarts.inc({ informer: name, reason }),
    });
    this.informers.push(informer as unknown as Informer<KubeObject>);
    return informer;
  }

  /** Registers a controller; wire informer handlers to the returned queue. */
  controller(reg: ControllerRegistration): WorkQueue {
    const labels = { controller: reg.name };
    const queue = new WorkQueue({
      ...reg.queue,
      clock: this.options.clock,
      concurrency: reg.concurrency ?? 1,
      hooks: {
        added: () => this.metrics.queueAdds.inc(labels),
        retried: () => this.metrics.queueRetries.inc(labels),
        depth: (d) => this.metrics.queueDepth.set(labels, d),
      },
    });
    this.controllers.push({ reg, queue });
    return queue;
  }

  hasSynced(): boolean {
    return this.informers.every((i) => i.hasSynced());
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Ready when caches are synced and this replica leads or stands by healthily. */
  ready(): boolean {
    return !this.lost && !this.stopping && this.hasSynced();
  }

  healthy(): boolean {
    return !this.lost;
  }

  async start(): Promise<void> {
    if (this.options.health) {
      this.healthServer = await startHealthServer({
        ...this.options.health,
        registry: this.options.registry,
        healthy: () => this.healthy(),
        ready: () => this.ready(),
      });
    }
    for (const informer of this.informers) informer.start();
    if (this.elector) this.elector.start();
    else this.onStartedLeading();
  }

  /** Clean shutdown: finish in-flight reconciles, stop watches, release the lease. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.controllers.map(({ queue }) => queue.shutDown()));
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.elector?.stop();
    this.leading = false;
    this.metrics.isLeader.set(0);
    await this.healthServer?.close();
  }

  private onStartedLeading(): void {
    this.leading = true;
    this.metrics.isLeader.set(1);
    this.options.logger.info('leading; starting controllers once caches sync');
    void this.startWorkersWhenSynced();
  }

  private onStoppedLeading(): void {
    this.leading = false;
    this.lost = true;
    this.metrics.isLeader.set(0);
    // Stop taking work now; in-flight reconciles cannot be interrupted, so exit promptly.
    for (const { queue } of this.controllers) void queue.shutDown();
    this.options.logger.error('leadership lost; stopping controllers and exiting');
    this.options.onFatal('leader election lost');
  }

  private async startWorkersWhenSynced(): Promise<void> {
    while (!this.hasSynced()) {
      if (this.stopping || this.lost) return;
      await sleep(this.options.clock, 100).done;
    }
    if (this.stopping || this.lost || this.workersStarted) return;
    this.workersStarted = true;
    for (const { reg, queue } of this.controllers) queue.start(this.worker(reg, queue));
    this.options.logger.info({ controllers: this.controllers.length }, 'controllers started');
  }

  private worker(reg: ControllerRegistration, queue: WorkQueue): (key: string) => Promise<void> {
    const labels = { controller: reg.name };
    return async (key) => {
      const { namespace, name } = parseKey(key);
      const log = reconcileLogger(this.options.logger, { controller: reg.name, namespace, name });
      const endTimer = this.metrics.reconcileDuration.startTimer(labels);
      try {
        const result = await reg.reconcile(key, log);
        queue.forget(key);
        const after = result.requeueAfterMs ?? 0;
        if (after > 0) queue.addAfter(key, after);
        this.metrics.reconcileTotal.inc({
          ...labels,
          result: after > 0 ? 'requeue_after' : 'success',
        });
      } catch (err) {
        this.metrics.reconcileErrors.inc(labels);
        this.metrics.reconcileTotal.inc({ ...labels, result: 'error' });
        log.warn(
          { err, retries: queue.numRequeues(key) },
          'reconcile failed; retrying with backoff',
        );
        queue.addRateLimited(key);
      } finally {
        endTimer();
      }
    };
  }
}
