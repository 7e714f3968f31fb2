import { BACKUP_CONDITIONS, DEFAULTS, FINALIZER, REASONS } from '../../api/v1alpha1/index.js';
import type { PolicyRefusal } from '../policy/agent-policy.js';
import { EVENT_REASONS, type PlanDraft } from './plan-draft.js';
import { liveRuns } from './plan-schedule.js';
import { cleanupJobName } from '../jobs/names.js';

/**
 * deletionPolicy and the finalizer. Delete holds FINALIZER from the start;
 * once the EtcdBackup is being deleted, active runs are stopped first (a run
 * finishing after the cleanup would leave a snapshot behind), then a cleanup
 * Job deletes the stored snapshots (the controller has no store credentials;
 * the Job does), and the finalizer goes when it succeeded. Retain never holds
 * the finalizer, and releases one left from an earlier Delete.
 *
 * A spec the agent policy refuses gets no cleanup Job either: the finalizer
 * goes and the snapshots stay, with a Warning Event that says so.
 *
 * Returns true while the backup is being deleted: no run starts then.
 */
export function planDeletion(draft: PlanDraft, refusal?: PolicyRefusal): boolean {
  const { metadata, spec } = draft.observed.backup;
  const hasFinalizer = metadata?.finalizers?.includes(FINALIZER) ?? false;
  const deleteSnapshots = (spec.deletionPolicy ?? DEFAULTS.deletionPolicy) === 'Delete';
  const deleting = metadata?.deletionTimestamp !== undefined;
  if (!deleting) {
    if (deleteSnapshots && !hasFinalizer)
      draft.action({ type: 'AddFinalizer', finalizer: FINALIZER });
    if (!deleteSnapshots && hasFinalizer)
      draft.action({ type: 'RemoveFinalizer', finalizer: FINALIZER });
    return false;
  }
  if (!hasFinalizer) return true;
  if (!deleteSnapshots) {
    draft.action({ type: 'RemoveFinalizer', finalizer: FINALIZER });
    return true;
  }
  if (refusal) {
    draft.event(
      'Warning',
      refusal.reason,
      `the stored snapshots were kept: no cleanup Job may run for this spec (${refusal.message})`,
    );
    draft.action({ type: 'RemoveFinalizer', finalizer: FINALIZER });
    return true;
  }
  planCleanup(draft);
  return true;
}

function planCleanup(draft: PlanDraft): void {
  const ready = BACKUP_CONDITIONS.ready;
  const live = liveRuns(draft.observed.runs);
  if (live.length > 0) {
    for (const run of live) {
      draft.action({
        type: 'DeleteJob',
        jobName: run.name,
        propagationPolicy: 'Background',
        why: 'backup-deleted',
      });
    }
    const names = live.map((r) => r.name).join(', ');
    draft.condition(
      ready,
      'False',
      REASONS.deletingSnapshots,
      `stopping ${names} before deleting the stored snapshots`,
    );
    return;
  }
  const jobName = cleanupJobName(draft.name);
  const cleanup = draft.observed.cleanup;
  if (!cleanup || (cleanup.deleting && cleanup.state !== 'succeeded')) {
    if (!cleanup) draft.action({ type: 'RunCleanupJob', jobName });
    const message = `deleting the stored snapshots (spec.deletionPolicy Delete) with Job ${jobName}`;
    if (draft.condition(ready, 'False', REASONS.deletingSnapshots, message)) {
      draft.event('Normal', REASONS.deletingSnapshots, message);
    }
    return;
  }
  if (cleanup.state === 'active') {
    draft.condition(
      ready,
      'False',
      REASONS.deletingSnapshots,
      `Job ${jobName} is deleting the stored snapshots`,
    );
    return;
  }
  const succeeded = cleanup.result ? cleanup.result.succeeded : cleanup.state === 'succeeded';
  if (succeeded) {
    draft.event(
      'Normal',
      EVENT_REASONS.snapshotsDeleted,
      `Job ${jobName} deleted the stored snapshots`,
    );
    draft.action({ type: 'RemoveFinalizer', finalizer: FINALIZER });
    return;
  }
  const why = cleanup.result?.message ?? cleanup.jobFailure?.message ?? 'no result';
  const message = `Job ${jobName} could not delete the stored snapshots (${why}). Delete Job ${jobName} to retry, or set spec.deletionPolicy to Retain to keep them and let the EtcdBackup go`;
  if (draft.condition(ready, 'False', REASONS.deleteFailed, message)) {
    draft.event('Warning', REASONS.deleteFailed, message);
  }
}
