import { STATUS_LIMITS, type EtcdBackupStatus } from '../../api/v1alpha1/index.js';
import { formatConditionTime } from '../../domain/conditions.js';
import type { BackupAction, CreateRunAction } from './actions.js';
import type { ObservedBackup, ObservedRun } from './observation.js';
import { planHistoryLimits, planStale, planSuspended } from './plan-conditions.js';
import { planDeletion } from './plan-deletion.js';
import { PlanDraft, type FinishedRun, type PlannedEvent } from './plan-draft.js';
import { recordFinishedRuns } from './plan-results.js';
import { liveRuns, planRuns } from './plan-schedule.js';
import { backupPolicyRefusal } from './plan-policy.js';
import { planReady, validateBackup, type Validation } from './plan-validation.js';

export { EVENT_REASONS, type FinishedRun, type PlannedEvent } from './plan-draft.js';

export interface BackupPlan {
  /** In execution order: finalizer, deletions, creations, cleanup, finalizer removal. */
  readonly actions: BackupAction[];
  /** The whole desired status; written once, and only when it differs. */
  readonly status: EtcdBackupStatus;
  /** Emitted after the actions succeeded. */
  readonly events: PlannedEvent[];
  /** Runs recorded into the history by this plan, for the run metrics. */
  readonly finished: FinishedRun[];
  readonly requeueAfterMs?: number;
}

/**
 * The EtcdBackup controller's decisions, as a pure function of what was
 * observed and `now`: no I/O, no clock, no environment. The status is rebuilt
 * from the previous status and the Jobs that exist, so planning twice from
 * the same observation gives the same plan, and re-observing a Job already
 * recorded changes nothing (level-triggered).
 */
export function planBackup(observed: ObservedBackup, now: Date): BackupPlan {
  const draft = new PlanDraft(observed, now);
  const refusal = observed.policy && backupPolicyRefusal(observed.backup, observed.policy);
  const validation: Validation = refusal
    ? { valid: false, ...refusal }
    : validateBackup(observed.backup.spec, observed.references);
  const deleting = planDeletion(draft, refusal);
  recordFinishedRuns(draft);
  planHistoryLimits(draft);
  const schedule = validation.valid ? validation.schedule : undefined;
  let created: CreateRunAction[] = [];
  if (!deleting) {
    planReady(draft, validation);
    if (validation.valid) created = planRuns(draft, schedule);
  }
  if (deleting || !validation.valid) draft.status.nextScheduleTime = undefined;
  const deleted = new Set(
    draft.actions.flatMap((a) => (a.type === 'DeleteJob' ? [a.jobName] : [])),
  );
  const live = liveRuns(observed.runs).filter((run) => !deleted.has(run.name));
  draft.status.active = activeList(live, created);
  planSuspended(draft, observed.backup.spec.schedule !== undefined);
  if (!deleting && validation.valid) planStale(draft, validation);
  draft.status.conditions = draft.conditionList();
  if (draft.generation !== undefined) draft.status.observedGeneration = draft.generation;
  return {
    actions: ordered(draft.actions),
    status: compact(draft.status),
    events: draft.events,
    finished: draft.finished,
    requeueAfterMs: draft.requeueAfterMs,
  };
}

/** Runs in progress (minus those this plan deletes), oldest first, then the ones it starts. */
function activeList(
  live: readonly ObservedRun[],
  created: readonly CreateRunAction[],
): EtcdBackupStatus['active'] {
  const running = [...live]
    .sort((a, b) => (a.startTime?.getTime() ?? 0) - (b.startTime?.getTime() ?? 0))
    .map((r) => ({
      name: r.name,
      ...(r.startTime ? { startTime: formatConditionTime(r.startTime) } : {}),
    }));
  const entries = [...running, ...created.map((c) => ({ name: c.jobName }))].filter(
    (e, i, all) => all.findIndex((o) => o.name === e.name) === i,
  );
  return entries.length > 0 ? entries.slice(-STATUS_LIMITS.active) : undefined;
}

const ORDER: Record<BackupAction['type'], number> = {
  AddFinalizer: 0,
  DeleteJob: 1,
  CreateRun: 2,
  RunCleanupJob: 3,
  RemoveFinalizer: 4,
};

function ordered(actions: readonly BackupAction[]): BackupAction[] {
  return actions
    .map((action, index) => ({ action, index }))
    .sort((a, b) => ORDER[a.action.type] - ORDER[b.action.type] || a.index - b.index)
    .map(({ action }) => action);
}

/** Drops undefined fields, so the status compares equal to what the apiserver returns. */
function compact(status: EtcdBackupStatus): EtcdBackupStatus {
  return Object.fromEntries(
    Object.entries(status).filter(([, value]) => value !== undefined),
  ) as EtcdBackupStatus;
}
