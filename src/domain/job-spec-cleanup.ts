import type { EtcdBackup } from '../api/v1alpha1/index.js';
import { AGENT_CONFIG_PATH } from '../agent/contract.js';
import { backupJobSpec, type BackupJobSpec } from './job-spec.js';

export interface CleanupJobInput {
  readonly backup: EtcdBackup;
  readonly jobName: string;
  readonly image: string;
  readonly configMapName: string;
}

/**
 * The deletionPolicy Delete cleanup: the same Job as a backup run (same
 * placement, credentials and destination wiring) running
 * `etcd-snapshot agent delete`, which removes the backup's objects.
 */
export function cleanupJobSpec(input: CleanupJobInput): BackupJobSpec {
  const deletedAt = input.backup.metadata?.deletionTimestamp;
  const spec = backupJobSpec({
    ...input,
    scheduledTime: deletedAt ? new Date(deletedAt) : new Date(0),
    trigger: 'once',
  });
  const template = spec.job.spec!.template;
  const containers = template.spec!.containers.map((c) => ({
    ...c,
    args: ['agent', 'delete', '--config', AGENT_CONFIG_PATH],
  }));
  return {
    ...spec,
    job: {
      ...spec.job,
      spec: {
        ...spec.job.spec!,
        template: { ...template, spec: { ...template.spec!, containers } },
      },
    },
  };
}
