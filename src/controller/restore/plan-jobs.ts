import { DEFAULTS, type EtcdRestore } from '../../api/v1alpha1/index.js';
import { restoreJobName } from '../jobs/names.js';

/** Create one restore Job (and its ConfigMap); `member` is an index into spec.dataDir.members. */
export interface CreateRestoreJob {
  readonly type: 'CreateJob';
  readonly jobName: string;
  readonly member?: number;
}

/** The Jobs a restore runs: one for Logical or a dry run, else one per DataDir member. */
export function desiredJobs(restore: EtcdRestore): CreateRestoreJob[] {
  const name = restore.metadata?.name ?? '';
  const dryRun = restore.spec.dryRun ?? DEFAULTS.dryRun;
  if (restore.spec.mode === 'Logical' || dryRun)
    return [{ type: 'CreateJob', jobName: restoreJobName(name) }];
  return (restore.spec.dataDir?.members ?? []).map((_, i) => ({
    type: 'CreateJob',
    jobName: restoreJobName(name, i),
    member: i,
  }));
}
