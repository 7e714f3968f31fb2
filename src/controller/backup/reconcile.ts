import {
  API_VERSION,
  KINDS,
  type EtcdBackup,
  type EtcdBackupStatus,
} from '../../api/v1alpha1/index.js';
import { isKubeError } from '../../kube/errors.js';
import type { EventRecorder, InvolvedObject } from '../../kube/events.js';
import type { Logger } from '../../observability/logger.js';
import type { BackupMetrics } from '../../observability/metrics.js';
import { parseKey } from '../object-key.js';
import { forgetBackupMetrics, publishBackupMetrics, type BackupLabels } from './backup-metrics.js';
import type { Clock } from '../clock.js';
import type { ReconcileResult } from '../manager.js';
import { BackupActionExecutor, type BackupWriteDeps } from './execute.js';
import { observeBackup, type BackupObserveDeps } from './observe.js';
import { planBackup, type FinishedRun, type PlannedEvent } from './plan.js';
import { mergePatch, sameJson } from './status-patch.js';

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
  await recordEvents(backup, plan.events, deps.events);
  if (executor.gone) return {};
  const written = await writeStatusIfChanged(
    backup,
    plan.status,
    executor.resourceVersion,
    deps,
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
 * A merge patch of the status subresource, conditional on the resourceVersion
 * the plan was made from: a status computed from a stale cache is refused
 * (Conflict, thrown: the retry plans again) instead of overwriting newer state.
 * An object deleted meanwhile needs no status. Returns the resourceVersion
 * the write produced, or undefined when nothing was written.
 */
export async function writeStatusIfChanged(
  backup: EtcdBackup,
  status: EtcdBackupStatus,
  resourceVersion: string | undefined,
  deps: Pick<BackupReconcileDeps, 'backupClient'>,
  log: Logger,
): Promise<string | undefined> {
  const previous = backup.status ?? {};
  if (sameJson(previous, status)) return undefined;
  const patch = {
    metadata: resourceVersion === undefined ? {} : { resourceVersion },
    status: mergePatch(previous, status),
  };
  const { namespace = '', name = '' } = backup.metadata ?? {};
  let updated: EtcdBackup;
  try {
    updated = await deps.backupClient.patchStatus(namespace, name, patch);
  } catch (err) {
    if (isKubeError(err, 'NotFound')) return undefined;
    throw err;
  }
  log.debug({ fields: Object.keys(patch.status) }, 'status updated');
  return updated.metadata?.resourceVersion;
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

async function recordEvents(
  backup: EtcdBackup,
  events: readonly PlannedEvent[],
  recorder: EventRecorder,
): Promise<void> {
  const regarding: InvolvedObject = {
    apiVersion: API_VERSION,
    kind: KINDS.backup,
    namespace: backup.metadata?.namespace ?? '',
    name: backup.metadata?.name ?? '',
    ...(backup.metadata?.uid ? { uid: backup.metadata.uid } : {}),
  };
  for (const event of events) {
    await recorder.record(regarding, event.type, event.reason, event.message);
  }
}
