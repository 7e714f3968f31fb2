import type { V1ConfigMap, V1Job } from '@kubernetes/client-node';
import type { BackupJobInput } from './backup-job.js';
import type { CleanupJobInput } from './cleanup-job.js';

/**
 * The Job builders the backup reconcile calls, as injected functions: the
 * snapshot run is `backupJobSpec` (backup-job.ts); the deletion cleanup
 * `cleanupJobSpec` runs `etcd-snapshot agent delete` with the same agent
 * config. Both are pure and return the Job and the ConfigMap holding the
 * agent's config (no secret).
 */
export interface JobWithConfig {
  readonly job: V1Job;
  readonly configMap: V1ConfigMap;
}

export type RunJobBuilder = (input: BackupJobInput) => JobWithConfig;
export type CleanupJobBuilder = (input: CleanupJobInput) => JobWithConfig;
