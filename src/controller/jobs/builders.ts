import type { V1ConfigMap, V1Job } from '@kubernetes/client-node';
import type { EtcdBackup, RunTrigger } from '../../api/v1alpha1/index.js';

/**
 * The Job builders the reconcile calls, as injected functions: the snapshot
 * run is `backupJobSpec` (backup-job.ts); the deletion cleanup runs
 * `etcd-snapshot agent delete` with the same agent config. Both are pure and
 * return the Job and the ConfigMap holding the agent's config (no secret).
 */
export interface RunJobInput {
  readonly backup: EtcdBackup;
  readonly jobName: string;
  readonly scheduledTime: Date;
  readonly trigger: RunTrigger;
  readonly image: string;
  readonly configMapName: string;
}

export interface CleanupJobInput {
  readonly backup: EtcdBackup;
  readonly jobName: string;
  readonly image: string;
  readonly configMapName: string;
}

export interface JobWithConfig {
  readonly job: V1Job;
  readonly configMap: V1ConfigMap;
}

export type RunJobBuilder = (input: RunJobInput) => JobWithConfig;
export type CleanupJobBuilder = (input: CleanupJobInput) => JobWithConfig;
