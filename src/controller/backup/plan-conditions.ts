import { BACKUP_CONDITIONS, DEFAULTS, REASONS } from '../../api/v1alpha1/index.js';
import { formatConditionTime } from '../../domain/conditions.js';
import { formatDuration } from '../../domain/duration.js';
import { jobsToDelete } from '../../domain/run-history.js';
import { defaultStaleAfterMs, type Schedule } from '../../domain/schedule.js';
import type { PlanDraft } from './plan-draft.js';

/** Look again this long after the moment a backup turns stale, so the reconcile lands after it. */
const STALE_MARGIN_MS = 1000;

/** Suspended mirrors spec.suspend; an Event on each transition. */
export function planSuspended(draft: PlanDraft, hasSchedule: boolean): void {
  const type = BACKUP_CONDITIONS.suspended;
  const before = draft.previousCondition(type);
  if (draft.observed.backup.spec.suspend ?? DEFAULTS.suspend) {
    const message =
      'spec.suspend is true: no scheduled run starts and running ones finish; a run-now annotation still starts one';
    draft.condition(type, 'True', REASONS.suspended, message);
    if (before?.status !== 'True') draft.event('Normal', REASONS.suspended, message);
    return;
  }
  if (before?.status === 'True' || before?.reason === REASONS.resumed) {
    draft.condition(type, 'False', REASONS.resumed, 'spec.suspend is false: runs start again');
    if (before.status === 'True') draft.event('Normal', REASONS.resumed, 'runs start again');
    return;
  }
  const reason = hasSchedule ? REASONS.scheduled : REASONS.runOnce;
  draft.condition(type, 'False', reason, 'spec.suspend is false');
}

export interface StalenessInput {
  readonly schedule?: Schedule;
  /** spec.staleAfter, parsed. */
  readonly staleAfterMs?: number;
  readonly runAllowanceMs: number;
}

/**
 * Stale: the last success (or, before any, the creation) is older than
 * spec.staleAfter, or the schedule-derived default. Not set for a run-once
 * backup without staleAfter: there is no cadence to be late for. Requeues for
 * the moment it would turn stale, since nothing else would wake us then.
 */
export function planStale(draft: PlanDraft, input: StalenessInput): void {
  const { now, status } = draft;
  const staleAfterMs =
    input.staleAfterMs ??
    (input.schedule ? defaultStaleAfterMs(input.schedule, now, input.runAllowanceMs) : undefined);
  if (staleAfterMs === undefined) return;
  const type = BACKUP_CONDITIONS.stale;
  const lastSuccess = status.lastSuccessfulTime;
  const since = lastSuccess ?? draft.observed.backup.metadata?.creationTimestamp;
  const sinceMs = since === undefined ? now.getTime() : Date.parse(since);
  const staleAt = new Date(sinceMs + staleAfterMs);
  const limit = `staleAfter ${formatDuration(staleAfterMs)}${input.staleAfterMs === undefined ? ' (derived from the schedule)' : ''}`;
  const what = lastSuccess
    ? `the last successful snapshot (${lastSuccess})`
    : 'no successful snapshot since creation, and that';
  if (now.getTime() > staleAt.getTime()) {
    const reason = lastSuccess ? REASONS.stale : REASONS.noSuccessYet;
    const message = `${what} is older than ${limit}: check the failed runs in status.history`;
    if (
      draft.condition(type, 'True', reason, message) &&
      draft.previousCondition(type)?.status !== 'True'
    ) {
      draft.event('Warning', REASONS.stale, message);
    }
    return;
  }
  const reason = lastSuccess ? REASONS.fresh : REASONS.noSuccessYet;
  const message = `${lastSuccess ? `last success at ${lastSuccess}` : 'no successful snapshot yet'}; stale at ${formatConditionTime(staleAt)} (${limit})`;
  draft.condition(type, 'False', reason, message);
  if (draft.previousCondition(type)?.status === 'True') {
    draft.event('Normal', REASONS.fresh, `fresh again: ${message}`);
  }
  draft.requeueAfter(staleAt.getTime() - now.getTime() + STALE_MARGIN_MS);
}

/**
 * Finished Jobs beyond successfulRunsHistoryLimit / failedRunsHistoryLimit,
 * oldest first, as the CronJob controller keeps them. A Job is deleted only
 * once its result is in the persisted history (or too old for it), so a
 * failed status write can never lose a result together with its Job.
 */
export function planHistoryLimits(draft: PlanDraft): void {
  const { spec } = draft.observed.backup;
  const persisted = new Set((draft.previous.history ?? []).map((e) => e.job));
  const recorded = new Set((draft.status.history ?? []).map((e) => e.job));
  const candidates = draft.observed.runs
    .filter((run) => !run.deleting)
    .map((run) => ({
      name: run.name,
      finished: run.state !== 'active',
      // As the history judges it: the agent's result wins over the Job's status.
      succeeded: run.result ? run.result.succeeded : run.state === 'succeeded',
      completionTime: run.completionTime,
    }));
  const doomed = jobsToDelete(
    candidates,
    spec.successfulRunsHistoryLimit ?? DEFAULTS.successfulRunsHistoryLimit,
    spec.failedRunsHistoryLimit ?? DEFAULTS.failedRunsHistoryLimit,
  );
  for (const jobName of doomed) {
    if (!persisted.has(jobName) && recorded.has(jobName)) continue; // next reconcile, after the write
    draft.action({
      type: 'DeleteJob',
      jobName,
      propagationPolicy: 'Background',
      why: 'history-limit',
    });
  }
}
