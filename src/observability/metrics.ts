import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A registry with the Node process metrics; pass it everywhere instead of prom-client's global. */
export function createRegistry(options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

const PREFIX = 'etcd_snapshot_operator_';

export interface ControllerMetrics {
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly reconcileDuration: Histogram<'controller'>;
  readonly queueDepth: Gauge<'controller'>;
  readonly queueAdds: Counter<'controller'>;
  readonly queueRetries: Counter<'controller'>;
  readonly informerRestarts: Counter<'informer' | 'reason'>;
  readonly isLeader: Gauge;
}

/** The controller machinery's metrics, registered on `registry`. */
export function createControllerMetrics(registry: Registry): ControllerMetrics {
  const registers = [registry];
  return {
    reconcileTotal: new Counter({
      name: `${PREFIX}reconcile_total`,
      help: 'Reconciles by controller and result (success, requeue_after, error).',
      labelNames: ['controller', 'result'],
      registers,
    }),
    reconcileErrors: new Counter({
      name: `${PREFIX}reconcile_errors_total`,
      help: 'Reconciles that threw (transient errors, retried with backoff).',
      labelNames: ['controller'],
      registers,
    }),
    reconcileDuration: new Histogram({
      name: `${PREFIX}reconcile_duration_seconds`,
      help: 'Time spent in one reconcile.',
      labelNames: ['controller'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    queueDepth: new Gauge({
      name: `${PREFIX}workqueue_depth`,
      help: 'Keys waiting to be reconciled.',
      labelNames: ['controller'],
      registers,
    }),
    queueAdds: new Counter({
      name: `${PREFIX}workqueue_adds_total`,
      help: 'Keys added to the work queue.',
      labelNames: ['controller'],
      registers,
    }),
    queueRetries: new Counter({
      name: `${PREFIX}workqueue_retries_total`,
      help: 'Keys requeued with backoff after a failure.',
      labelNames: ['controller'],
      registers,
    }),
    informerRestarts: new Counter({
      name: `${PREFIX}informer_restarts_total`,
      help: 'Watch restarts by informer and reason (gone, watchdog, error, closed, list-error).',
      labelNames: ['informer', 'reason'],
      registers,
    }),
    isLeader: new Gauge({
      name: `${PREFIX}leader`,
      help: '1 while this replica holds the leader lease.',
      registers,
    }),
  };
}

export interface BackupMetrics {
  readonly runs: Counter<'namespace' | 'backup' | 'result' | 'reason'>;
  readonly runDuration: Histogram<'namespace' | 'backup' | 'result'>;
  readonly snapshotBytes: Gauge<'namespace' | 'backup' | 'kind'>;
  readonly lastSuccess: Gauge<'namespace' | 'backup'>;
  readonly consecutiveFailures: Gauge<'namespace' | 'backup'>;
  readonly storedBytes: Gauge<'namespace' | 'backup'>;
  readonly stale: Gauge<'namespace' | 'backup'>;
}

/**
 * Per-EtcdBackup metrics. Counters count runs recorded by this replica; the
 * gauges are set from the status on every reconcile, so they survive an
 * operator restart (the status is the state, not the process).
 */
export function createBackupMetrics(registry: Registry): BackupMetrics {
  const registers = [registry];
  const per = ['namespace', 'backup'] as const;
  return {
    runs: new Counter({
      name: `${PREFIX}backup_runs_total`,
      help: 'Finished snapshot runs by result (Succeeded, Failed) and reason.',
      labelNames: [...per, 'result', 'reason'],
      registers,
    }),
    runDuration: new Histogram({
      name: `${PREFIX}backup_run_duration_seconds`,
      help: 'Wall time of a finished snapshot run, from Job start to completion.',
      labelNames: [...per, 'result'],
      buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
      registers,
    }),
    snapshotBytes: new Gauge({
      name: `${PREFIX}backup_last_snapshot_bytes`,
      help: 'Size of the newest stored snapshot: kind="raw" (the etcd database) or kind="stored" (after compression and encryption).',
      labelNames: [...per, 'kind'],
      registers,
    }),
    lastSuccess: new Gauge({
      name: `${PREFIX}backup_last_success_timestamp_seconds`,
      help: 'Unix time of the last successful run (alert when time() minus this exceeds your RPO).',
      labelNames: per,
      registers,
    }),
    consecutiveFailures: new Gauge({
      name: `${PREFIX}backup_consecutive_failures`,
      help: 'Failed runs since the last success.',
      labelNames: per,
      registers,
    }),
    storedBytes: new Gauge({
      name: `${PREFIX}backup_retained_bytes`,
      help: 'Total stored size of the snapshots retention kept, as of the last run.',
      labelNames: per,
      registers,
    }),
    stale: new Gauge({
      name: `${PREFIX}backup_stale`,
      help: '1 while the Stale condition is True (no success within staleAfter).',
      labelNames: per,
      registers,
    }),
  };
}
