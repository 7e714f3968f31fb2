import {
  BACKUP_CONDITIONS,
  REASONS,
  STATUS_LIMITS,
  type EtcdBackupStatus,
} from '../../api/v1alpha1/index.js';
import { formatConditionTime } from '../../domain/conditions.js';
import { formatDuration } from '../../domain/duration.js';
import { formatBytes } from '../../domain/quantity.js';
import { recordRunResult, type RunRecord } from '../../domain/run-history.js';
import { withFieldHint } from './failure-hints.js';
import type { ObservedRun } from './observation.js';
import { EVENT_REASONS, type FinishedRun, type PlanDraft } from './plan-draft.js';

export type HistoryEntry = NonNullable<EtcdBackupStatus['history']>[number];
type SnapshotInfo = NonNullable<EtcdBackupStatus['lastSnapshot']>;
type Record_ = RunRecord & { readonly entry: HistoryEntry };

/**
 * Records finished runs into the status, once each: a Job already in the
 * history is skipped, so re-observing the same Jobs (every reconcile does)
 * changes nothing and emits nothing. New results are applied oldest first so
 * the counters and "last" fields end at the newest. LastBackupSucceeded is
 * derived from the newest history entry, whatever was recorded when.
 */
export function recordFinishedRuns(draft: PlanDraft): void {
  const { status, now } = draft;
  const previous = status.history ?? [];
  const known = new Set(previous.map((e) => e.job));
  let records: Record_[] = previous.map(toRecord);
  const finished = draft.observed.runs
    .filter((run) => run.state !== 'active' && !known.has(run.name))
    .map((run) => historyEntry(run, now))
    .sort(oldestFirst);
  for (const entry of finished) {
    const next = recordRunResult(records, toRecord(entry), STATUS_LIMITS.history);
    if (!next.some((r) => r.jobName === entry.job)) continue; // older than a full history
    records = next;
    applyResult(draft, entry);
  }
  status.history = records.length > 0 ? records.map((r) => r.entry) : undefined;
  setLastBackupCondition(draft, records[0]?.entry);
}

/** What a finished run means: the agent's result when readable, else the Job's status. */
export function historyEntry(run: ObservedRun, now: Date): HistoryEntry {
  const { result } = run;
  const completed = run.completionTime ?? now;
  const started = run.startTime ?? toDate(result?.snapshot?.startTime);
  const base = {
    job: run.name,
    ...(started ? { startTime: formatConditionTime(started) } : {}),
    completionTime: formatConditionTime(completed),
  };
  if (result) {
    return {
      ...base,
      result: result.succeeded ? 'Succeeded' : 'Failed',
      reason: result.succeeded ? REASONS.succeeded : result.reason,
      message: result.succeeded
        ? result.message || 'snapshot stored'
        : withFieldHint(result.reason, result.message || 'the run failed'),
      ...(result.succeeded && result.snapshot ? { snapshotKey: result.snapshot.key } : {}),
    };
  }
  if (run.state === 'succeeded') {
    const message = `Job ${run.name} completed but left no readable result (was its Pod deleted?); the snapshot details are unknown`;
    return { ...base, result: 'Succeeded', reason: REASONS.succeeded, message };
  }
  return { ...base, result: 'Failed', ...jobFailure(run) };
}

function jobFailure(run: ObservedRun): { reason: string; message: string } {
  const detail = run.jobFailure?.message ? `: ${run.jobFailure.message}` : '';
  if (run.jobFailure?.reason === 'DeadlineExceeded') {
    return {
      reason: REASONS.deadlineExceeded,
      message: `Job ${run.name} ran longer than spec.snapshotTimeout and was stopped${detail}. Raise snapshotTimeout, or check the throughput to etcd and the store`,
    };
  }
  const why = run.jobFailure?.reason ?? 'Failed';
  return {
    reason: REASONS.jobFailed,
    message: `Job ${run.name} failed (${why}${detail}) without reporting a result: see kubectl logs job/${run.name}`,
  };
}

function applyResult(draft: PlanDraft, entry: HistoryEntry): void {
  const { status } = draft;
  const run = draft.observed.runs.find((r) => r.name === entry.job);
  const result = run?.result;
  draft.finished.push(finishedRun(entry));
  if (entry.result === 'Succeeded') {
    status.consecutiveFailures = 0;
    const newer = !status.lastSuccessfulTime || entry.completionTime! >= status.lastSuccessfulTime;
    if (newer) {
      status.lastSuccessfulTime = entry.completionTime;
      if (result?.snapshot) status.lastSnapshot = snapshotInfo(result.snapshot);
    }
    draft.event(
      'Normal',
      EVENT_REASONS.backupSucceeded,
      successMessage(entry, status.lastSnapshot),
    );
  } else {
    status.consecutiveFailures = (status.consecutiveFailures ?? 0) + 1;
    const message = entry.message ?? '';
    status.lastError = {
      reason: entry.reason ?? REASONS.failed,
      message,
      time: entry.completionTime!,
    };
    draft.event('Warning', EVENT_REASONS.backupFailed, `${entry.job}: ${entry.reason}: ${message}`);
  }
  if (result?.retention) {
    const { snapshots, totalStoredBytes, removed, error } = result.retention;
    status.retention = {
      snapshots,
      totalStoredBytes,
      lastPruneTime: entry.completionTime,
      removedLastRun: removed,
    };
    if (error) draft.event('Warning', REASONS.pruneFailed, `${entry.job}: retention: ${error}`);
  }
}

function finishedRun(entry: HistoryEntry): FinishedRun {
  const result = entry.result === 'Succeeded' ? 'Succeeded' : 'Failed';
  const start = Date.parse(entry.startTime ?? '');
  const end = Date.parse(entry.completionTime ?? '');
  const seconds = (end - start) / 1000;
  return {
    job: entry.job,
    result,
    reason: entry.reason ?? (result === 'Succeeded' ? REASONS.succeeded : REASONS.failed),
    ...(Number.isFinite(seconds) && seconds >= 0 ? { durationSeconds: seconds } : {}),
  };
}

function setLastBackupCondition(draft: PlanDraft, newest: HistoryEntry | undefined): void {
  const type = BACKUP_CONDITIONS.lastBackupSucceeded;
  if (!newest) {
    draft.condition(type, 'Unknown', REASONS.noSuccessYet, 'no run has finished yet');
    return;
  }
  const status = newest.result === 'Succeeded' ? 'True' : 'False';
  const reason = newest.reason ?? (status === 'True' ? REASONS.succeeded : REASONS.failed);
  draft.condition(type, status, reason, `${newest.job}: ${newest.message ?? ''}`);
}

function snapshotInfo(
  s: NonNullable<NonNullable<ObservedRun['result']>['snapshot']>,
): SnapshotInfo {
  const start = Date.parse(s.startTime);
  const seconds = Math.max(0, Math.round((Date.parse(s.endTime) - start) / 1000));
  return {
    uri: s.uri,
    key: s.key,
    size: s.size,
    storedSize: s.storedSize,
    storedSizeHuman: formatBytes(s.storedSize),
    sha256: s.sha256,
    revision: s.revision,
    etcdVersion: s.etcdVersion,
    clusterId: s.clusterId,
    duration: formatDuration(seconds * 1000),
    time: formatConditionTime(new Date(start)),
  };
}

function successMessage(entry: HistoryEntry, snapshot: SnapshotInfo | undefined): string {
  if (!entry.snapshotKey || snapshot?.key !== entry.snapshotKey)
    return `${entry.job}: ${entry.message}`;
  return `${entry.job}: stored ${snapshot.key} (${snapshot.storedSizeHuman}, revision ${snapshot.revision}) in ${snapshot.duration}`;
}

function toRecord(entry: HistoryEntry): Record_ {
  return {
    jobName: entry.job,
    succeeded: entry.result === 'Succeeded',
    completionTime: entry.completionTime ?? entry.startTime ?? new Date(0).toISOString(),
    entry,
  };
}

function oldestFirst(a: HistoryEntry, b: HistoryEntry): number {
  const ta = Date.parse(a.completionTime ?? '');
  const tb = Date.parse(b.completionTime ?? '');
  return ta - tb || (a.job < b.job ? -1 : a.job > b.job ? 1 : 0);
}

function toDate(text: string | undefined): Date | undefined {
  const ms = text === undefined ? NaN : Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
