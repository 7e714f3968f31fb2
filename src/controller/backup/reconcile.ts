import { KINDS, type EtcdBackupStatus } from '../../api/v1alpha1/index.js';
import type { EventRecorder } from '../../kube/events.js';
import type { Logger } from '../../observability/logger.js';
import type { BackupMetrics } from '../../observability/metrics.js';
import { parseKey } from '../object-key.js';
import { forgetBackupMetrics, publishBackupMetrics, type BackupLabels } from './backup-metrics.js';
import type { Clock } from '../clock.js';
import type { ReconcileResult } from '../manager.js';
import { BackupActionExecutor, type BackupWriteDeps } from './execute.js';
import { observeBackup, type BackupObserveDeps } from './observe.js';
import { recordEvents } from '../kit/events.js';
import { writeStatusIfChanged } from '../kit/status-write.js';
import { planBackup, type FinishedRun } from './plan.js';

/** configMaps is read by observe (get) and written by execute (create, delete). */
export type BackupReconcileDeps = BackupObserveDeps &
  BackupWriteDeps & {
    readonly clock: Pick<Clock, 'now'>;
    readonly events: EventRecorder;
    readonly logger: Logger;
    readonly metrics?: BackupMetrics;
    /**
     * Per key, the resourceVersion this controller last wrote over. While the
     * cache still shows it, the cache lags our own write: planning from it
     * would only end in a Conflict, so the reconcile waits for the update.
     */
    readonly superseded?: Map<string, string>;
  };

/** How soon to look again when the cache still shows a version we wrote over. */
export const CACHE_LAG_REQUEUE_MS = 1000;

/**
 * One level-triggered pass over an EtcdBackup: observe (reads only), plan
 * (pure), execute each action (idempotent), emit the plan's Events, then one
 * status write, only when the status changed. Throwing means "transient":
 * the queue retries with backoff, and the retry re-reads everything.
 */
export async function reconcileBackup(
  key: string,
  deps: BackupReconcileDeps,
): Promise<ReconcileResult> {
  if (cacheLags(key, deps)) return { requeueAfterMs: CACHE_LAG_REQUEUE_MS };
  const observed = await observeBackup(key, deps);
  if (!observed) {
    deps.superseded?.delete(key);
    if (deps.metrics) await forgetBackupMetrics(deps.metrics, labelsOf(key));
    return {};
  }
  const { backup } = observed;
  const observedVersion = backup.metadata?.resourceVersion;
  // The manager's logger already carries controller, namespace and name.
  const log = deps.logger.child({ kind: KINDS.backup, generation: backup.metadata?.generation });
  const plan = planBackup(observed, new Date(deps.clock.now()));
  const executor = new BackupActionExecutor(backup, deps, log);
  for (const action of plan.actions) await executor.execute(action);
  await recordEvents(KINDS.backup, backup, plan.events, deps.events);
  if (executor.gone) return {};
  const written = await writeStatusIfChanged(
    backup,
    plan.status,
    executor.resourceVersion,
    deps.backupClient,
    log,
  );
  const newVersion = written ?? executor.resourceVersion;
  // Only a write that made a new version leaves the cache behind (a no-op patch keeps it).
  if (observedVersion !== undefined && newVersion !== observedVersion)
    deps.superseded?.set(key, observedVersion);
  for (const run of plan.finished) logFinishedRun(log, run, plan.status);
  if (deps.metrics) publishBackupMetrics(deps.metrics, labelsOf(key), plan.status, plan.finished);
  return plan.requeueAfterMs === undefined ? {} : { requeueAfterMs: plan.requeueAfterMs };
}

/**
 * True while the cached EtcdBackup is still the version this controller last
 * wrote over: checked before observing, so waiting costs no Secret reads.
 */
function cacheLags(key: string, deps: BackupReconcileDeps): boolean {
  const expected = deps.superseded?.get(key);
  if (expected === undefined) return false;
  if (deps.backups.get(key)?.metadata?.resourceVersion === expected) return true;
  deps.superseded?.delete(key);
  return false;
}

/** A run's outcome in the operator log too, once, as it is recorded. */
function logFinishedRun(log: Logger, run: FinishedRun, status: EtcdBackupStatus): void {
  const entry = status.history?.find((h) => h.job === run.job);
  const fields = { job: run.job, reason: run.reason, durationSeconds: run.durationSeconds };
  if (run.result === 'Succeeded') log.info({ ...fields, key: entry?.snapshotKey }, 'run succeeded');
  else log.warn({ ...fields, message: entry?.message }, 'run failed');
}

function labelsOf(key: string): BackupLabels {
  const { namespace = '', name } = parseKey(key);
  return { namespace, backup: name };
}
