import {
  DEFAULTS,
  REASONS,
  RESTORE_CONDITIONS,
  type EtcdRestoreStatus,
  type RestorePhase,
} from '../../api/v1alpha1/index.js';
import {
  formatConditionTime,
  setCondition,
  type ConditionStatus,
} from '../../domain/conditions.js';
import { ConditionDraft } from '../kit/condition-draft.js';
import type { PlannedEvent } from '../kit/events.js';
import type { ObservedRestore, ObservedRestoreJob } from './observation.js';
import { finishedOutcome, memberStatus, snapshotStatus, type Outcome } from './plan-outcome.js';
import { referenceProblem } from '../references.js';
import { desiredJobs, type CreateRestoreJob } from './plan-jobs.js';
import { restorePolicyRefusal } from './plan-policy.js';
import { PROGRESS_REQUEUE_MS, progressMessage, progressStatus } from './plan-progress.js';

export interface RestorePlan {
  readonly actions: CreateRestoreJob[];
  readonly status: EtcdRestoreStatus;
  readonly events: PlannedEvent[];
  readonly requeueAfterMs?: number;
}

/** How soon a restore waiting for a missing Secret or EtcdBackup looks again (they are not watched). */
export const MISSING_REFERENCE_REQUEUE_MS = 30_000;

const TERMINAL: ReadonlySet<string> = new Set<RestorePhase>(['Completed', 'Failed']);

class Draft {
  readonly conditions: ConditionDraft;
  readonly events: PlannedEvent[] = [];

  constructor(
    readonly observed: ObservedRestore,
    readonly now: Date,
  ) {
    const { status, metadata } = observed.restore;
    this.conditions = new ConditionDraft(status?.conditions, metadata?.generation, now);
  }

  set(type: string, status: ConditionStatus, reason: string, message: string): boolean {
    return this.conditions.set(type, status, reason, message);
  }
}

/** Source problems the controller can see before any Job: a missing EtcdBackup or Secret. */
function blocked(draft: Draft): { reason: string; message: string } | undefined {
  const { observed } = draft;
  const ref = observed.restore.spec.source.backupRef;
  const ns = observed.restore.metadata?.namespace ?? '';
  if (ref && observed.backup === null)
    return {
      reason: REASONS.backupNotFound,
      message: `EtcdBackup ${ref.name} does not exist in namespace ${ns}: create it, or restore from spec.source.destination and key`,
    };
  const problem = referenceProblem(observed.references);
  return (
    problem && { ...problem, message: `${problem.message}; the restore starts once that is fixed` }
  );
}

/**
 * The EtcdRestore controller's decisions, pure: what was observed and `now`
 * in; Jobs to create, the whole status and Events out. A restore runs once:
 * once Completed or Failed, nothing more happens. Before that the status is
 * rebuilt from the previous status and the Jobs' results.
 */
export function planRestore(observed: ObservedRestore, now: Date): RestorePlan {
  const previous = observed.restore.status ?? {};
  const generation = observed.restore.metadata?.generation;
  const keep = (status: EtcdRestoreStatus): RestorePlan => ({
    actions: [],
    status: generation === undefined ? status : { ...status, observedGeneration: generation },
    events: [],
  });
  if (previous.phase && TERMINAL.has(previous.phase)) return keep(previous);
  const refusal =
    observed.jobs.length === 0 && observed.policy
      ? restorePolicyRefusal(
          observed.restore,
          observed.backup ?? undefined,
          desiredJobs(observed.restore),
          observed.policy,
        )
      : undefined;
  if (refusal) {
    const base =
      generation === undefined ? previous : { ...previous, observedGeneration: generation };
    return failedPlan(base, refusal.reason, refusal.message, now);
  }
  const draft = new Draft(observed, now);
  const problem = observed.jobs.length === 0 ? blocked(draft) : undefined;
  if (problem) {
    const changed = draft.set(
      RESTORE_CONDITIONS.sourceValid,
      'False',
      problem.reason,
      problem.message,
    );
    if (changed) draft.events.push({ type: 'Warning', ...problem });
    return {
      actions: [],
      status: compact({
        ...previous,
        phase: 'Pending',
        conditions: draft.conditions.list(),
        message: problem.message,
        ...(generation === undefined ? {} : { observedGeneration: generation }),
      }),
      events: draft.events,
      requeueAfterMs: MISSING_REFERENCE_REQUEUE_MS,
    };
  }
  return planRunning(draft, previous);
}

/**
 * A restore that cannot run at all (the spec is refused): Failed at once,
 * Restored False with the reason, one Warning Event. The spec is immutable,
 * so the fix is a new EtcdRestore.
 */
export function failedPlan(
  base: EtcdRestoreStatus,
  reason: string,
  message: string,
  now: Date,
): RestorePlan {
  const conditions = setCondition(
    base.conditions ?? [],
    { type: RESTORE_CONDITIONS.restored, status: 'False', reason, message },
    now,
  );
  return {
    actions: [],
    events: [{ type: 'Warning', reason, message }],
    status: compact({
      ...base,
      phase: 'Failed',
      completionTime: formatConditionTime(now),
      message,
      conditions,
    }),
  };
}

function planRunning(draft: Draft, previous: EtcdRestoreStatus): RestorePlan {
  const { observed, now } = draft;
  const dryRun = observed.restore.spec.dryRun ?? DEFAULTS.dryRun;
  const wanted = desiredJobs(observed.restore);
  const seen = new Set(observed.jobs.map((j) => j.name));
  const actions = wanted.filter((w) => !seen.has(w.jobName));
  const jobs = wanted.map((w) => observed.jobs.find((j) => j.name === w.jobName));
  const startTime = previous.startTime ?? formatConditionTime(now);
  if (!previous.startTime)
    draft.events.push({
      type: 'Normal',
      reason: 'RestoreStarted',
      message: `${dryRun ? 'dry run' : `${observed.restore.spec.mode} restore`} started: ${wanted.length} Job(s)`,
    });
  const finished = jobs.every(
    (j): j is ObservedRestoreJob => j !== undefined && j.state !== 'active',
  );
  const outcome: Outcome | undefined = finished ? finishedOutcome(jobs, dryRun) : undefined;
  applyConditions(draft, jobs, outcome, dryRun);
  const snapshot = snapshotStatus(jobs) ?? previous.snapshot;
  const members = memberStatus(observed, wanted, jobs);
  const progress = outcome ? undefined : progressStatus(jobs);
  let phase: RestorePhase =
    progress?.phase === 'Downloading' ? 'Downloading' : dryRun ? 'Verifying' : 'Restoring';
  let completionTime: string | undefined;
  let message = progress
    ? progressMessage(progress)
    : dryRun
      ? 'verifying the snapshot'
      : `restoring: ${wanted.length} Job(s) running`;
  if (outcome) {
    phase = outcome.succeeded ? 'Completed' : 'Failed';
    completionTime = formatConditionTime(outcome.completionTime ?? now);
    message = outcome.message;
    draft.events.push({
      type: outcome.succeeded ? 'Normal' : 'Warning',
      reason: outcome.eventReason,
      message: outcome.message,
    });
  }
  const generation = observed.restore.metadata?.generation;
  return {
    actions,
    status: compact({
      ...previous,
      phase,
      conditions: draft.conditions.list(),
      startTime,
      ...(completionTime ? { completionTime } : {}),
      ...(snapshot ? { snapshot } : {}),
      ...(members ? { members } : {}),
      // Only while it runs: a finished restore has no progress to show.
      progress,
      message,
      ...(generation === undefined ? {} : { observedGeneration: generation }),
    }),
    events: draft.events,
    // Progress is read from the agent's log, which no informer watches.
    ...(outcome ? {} : { requeueAfterMs: PROGRESS_REQUEUE_MS }),
  };
}

const SOURCE_REASONS: ReadonlySet<string> = new Set([
  REASONS.snapshotNotFound,
  REASONS.noSnapshotBefore,
  REASONS.decryptionFailed,
  'BucketNotFound',
  'AccessDenied',
  'InvalidCredentials',
  'StoreUnreachable',
  'StoreTlsError',
]);

function applyConditions(
  draft: Draft,
  jobs: ReadonlyArray<ObservedRestoreJob | undefined>,
  outcome: Outcome | undefined,
  dryRun: boolean,
): void {
  const results = jobs.flatMap((j) => (j?.result ? [j.result] : []));
  const sourceProblem = results.find((r) => !r.succeeded && SOURCE_REASONS.has(r.reason));
  const resolved = results.find((r) => r.snapshot);
  const { sourceValid, checksumVerified, restored } = RESTORE_CONDITIONS;
  if (sourceProblem) draft.set(sourceValid, 'False', sourceProblem.reason, sourceProblem.message);
  else if (resolved?.snapshot)
    draft.set(
      sourceValid,
      'True',
      REASONS.sourceResolved,
      `snapshot ${resolved.snapshot.uri}, revision ${resolved.snapshot.revision}`,
    );
  else
    draft.set(sourceValid, 'Unknown', REASONS.inProgress, 'the restore Job resolves the snapshot');
  const mismatch = results.find((r) => r.checksumVerified === false);
  const verified = results.find((r) => r.checksumVerified === true);
  if (mismatch)
    draft.set(
      checksumVerified,
      'False',
      mismatch.reason === 'SnapshotCorrupt' ? 'SnapshotCorrupt' : REASONS.checksumMismatch,
      mismatch.message,
    );
  else if (verified?.snapshot)
    draft.set(
      checksumVerified,
      'True',
      REASONS.checksumVerified,
      `sha256 ${verified.snapshot.sha256} matched the manifest and etcd's trailer`,
    );
  else if (outcome && !outcome.succeeded)
    draft.set(
      checksumVerified,
      'Unknown',
      outcome.reason,
      'the snapshot was not verified: the restore stopped before',
    );
  else
    draft.set(
      checksumVerified,
      'Unknown',
      REASONS.inProgress,
      'the restore Job verifies the snapshot before touching any target',
    );
  if (!outcome) draft.set(restored, 'Unknown', REASONS.inProgress, 'the restore is running');
  else if (!outcome.succeeded) draft.set(restored, 'False', outcome.reason, outcome.message);
  else if (dryRun) draft.set(restored, 'False', REASONS.dryRun, outcome.message);
  else draft.set(restored, 'True', REASONS.restored, outcome.message);
}

/** Drops undefined fields, so the status compares equal to what the apiserver returns. */
function compact(status: EtcdRestoreStatus): EtcdRestoreStatus {
  return Object.fromEntries(
    Object.entries(status).filter(([, v]) => v !== undefined),
  ) as EtcdRestoreStatus;
}
