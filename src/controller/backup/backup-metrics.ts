import { BACKUP_CONDITIONS, type EtcdBackupStatus } from '../../api/v1alpha1/index.js';
import type { BackupMetrics } from '../../observability/metrics.js';
import type { FinishedRun } from './plan-draft.js';

export interface BackupLabels {
  readonly namespace: string;
  readonly backup: string;
}

/**
 * Publishes what a reconcile wrote: the runs it recorded for the first time
 * (counted once, because the next plan finds them in the history) and gauges
 * read from the status, so they are right after an operator restart too.
 * Called only after the status write succeeded.
 */
export function publishBackupMetrics(
  metrics: BackupMetrics,
  labels: BackupLabels,
  status: EtcdBackupStatus,
  finished: readonly FinishedRun[],
): void {
  for (const run of finished) {
    metrics.runs.inc({ ...labels, result: run.result, reason: run.reason });
    if (run.durationSeconds !== undefined)
      metrics.runDuration.observe({ ...labels, result: run.result }, run.durationSeconds);
  }
  const lastSuccess = Date.parse(status.lastSuccessfulTime ?? '');
  if (Number.isFinite(lastSuccess)) metrics.lastSuccess.set(labels, lastSuccess / 1000);
  const snapshot = status.lastSnapshot;
  if (snapshot?.size !== undefined)
    metrics.snapshotBytes.set({ ...labels, kind: 'raw' }, snapshot.size);
  if (snapshot?.storedSize !== undefined)
    metrics.snapshotBytes.set({ ...labels, kind: 'stored' }, snapshot.storedSize);
  metrics.consecutiveFailures.set(labels, status.consecutiveFailures ?? 0);
  const retained = status.retention?.totalStoredBytes;
  if (retained !== undefined) metrics.storedBytes.set(labels, retained);
  const stale = status.conditions?.find((c) => c.type === BACKUP_CONDITIONS.stale);
  metrics.stale.set(labels, stale?.status === 'True' ? 1 : 0);
}

/**
 * Removes a deleted EtcdBackup's series, whatever their other labels: its
 * last-success gauge must not stay behind to fire a staleness alert forever.
 */
export async function forgetBackupMetrics(
  metrics: BackupMetrics,
  labels: BackupLabels,
): Promise<void> {
  for (const metric of Object.values(metrics) as Array<BackupMetrics[keyof BackupMetrics]>) {
    const { values } = await metric.get();
    const seen = new Set<string>();
    for (const { labels: series } of values) {
      if (series.namespace !== labels.namespace || series.backup !== labels.backup) continue;
      const { le: _bucket, ...own } = series as Record<string, string | number>;
      const id = JSON.stringify(own);
      if (seen.has(id)) continue;
      seen.add(id);
      (metric as { remove(labels: Record<string, string | number>): void }).remove(own);
    }
  }
}
