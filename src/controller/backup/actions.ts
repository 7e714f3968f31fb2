import type { RunTrigger } from '../../api/v1alpha1/index.js';
import type { PropagationPolicy } from '../../kube/resource-client.js';

/**
 * What a backup reconcile may do, as data: planBackup decides, reconcile
 * executes. Every action is idempotent by construction: Jobs have
 * deterministic names (AlreadyExists means "already done"), deletes accept
 * NotFound, and finalizer patches state the whole desired list.
 */
export type BackupAction =
  | CreateRunAction
  | DeleteJobAction
  | AddFinalizerAction
  | RemoveFinalizerAction
  | RunCleanupJobAction;

/** Start one snapshot run: a ConfigMap (the agent config) and a Job, both named `jobName`. */
export interface CreateRunAction {
  readonly type: 'CreateRun';
  readonly jobName: string;
  readonly scheduledTime: Date;
  readonly trigger: RunTrigger;
  /** Set for run-now: stamped on the Job so a lost status write cannot start the run twice. */
  readonly runNowToken?: string;
}

/** Delete a Job (and the run's ConfigMap of the same name). */
export interface DeleteJobAction {
  readonly type: 'DeleteJob';
  readonly jobName: string;
  readonly propagationPolicy: PropagationPolicy;
  /** Why, for the log: history limit, Replace, deletion. */
  readonly why: 'history-limit' | 'replace' | 'backup-deleted';
}

export interface AddFinalizerAction {
  readonly type: 'AddFinalizer';
  readonly finalizer: string;
}

export interface RemoveFinalizerAction {
  readonly type: 'RemoveFinalizer';
  readonly finalizer: string;
}

/**
 * Delete every stored snapshot of a backup with deletionPolicy Delete. It runs
 * as a Job (`etcd-snapshot agent delete`) because the store credentials are
 * the Job's, not the controller's.
 */
export interface RunCleanupJobAction {
  readonly type: 'RunCleanupJob';
  readonly jobName: string;
}
