import type { EtcdBackup } from '../../api/v1alpha1/index.js';
import { backupJobSpec, type BackupJobSpec } from './backup-job.js';

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
  return backupJobSpec(
    { ...input, scheduledTime: deletedAt ? new Date(deletedAt) : new Date(0), trigger: 'once' },
    'delete',
  );
}
