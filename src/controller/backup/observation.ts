import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { readBackupResult, type BackupAgentResult } from '../../api/agent/index.js';
import {
  LABELS,
  RUN_NOW_ANNOTATION,
  RUN_TRIGGERS,
  type EtcdBackup,
  type RunTrigger,
} from '../../api/v1alpha1/index.js';
import type { AgentPolicy } from '../policy/agent-policy.js';
import { pickPodResult } from '../pod-result.js';
import type { ObservedReference } from '../references.js';
import { parseRunName } from '../jobs/names.js';

/**
 * The state a backup reconcile plans from: the EtcdBackup as cached, a
 * summary of each of its Jobs (with the result its Pod reported) and the
 * presence of the Secrets/ConfigMaps it references. Plain data, so plans can
 * be tested without an apiserver; no secret value is ever held here.
 */
export interface ObservedBackup {
  readonly backup: EtcdBackup;
  /** Snapshot runs: scheduled, run-once and run-now Jobs. */
  readonly runs: readonly ObservedRun[];
  /** The deletion cleanup Job, when it exists. */
  readonly cleanup?: ObservedRun;
  readonly references: readonly ObservedReference[];
  /** What the backup's Pods may ask for (docs/security.md); unchecked when unset (unit tests). */
  readonly policy?: AgentPolicy;
}

export type RunState = 'active' | 'succeeded' | 'failed';

export interface ObservedRun {
  readonly name: string;
  readonly state: RunState;
  readonly trigger?: RunTrigger;
  /** Read back from the deterministic name; undefined for a Job named otherwise. */
  readonly scheduledTime?: Date;
  /** The run-now annotation value the Job was created for. */
  readonly runNowToken?: string;
  /** metadata.deletionTimestamp is set: it is going away, so it no longer counts as active. */
  readonly deleting: boolean;
  readonly startTime?: Date;
  /** When it finished (Complete or Failed); unset while active. */
  readonly completionTime?: Date;
  /** What the agent reported, when a Pod left a well-formed result. */
  readonly result?: BackupAgentResult;
  /** The Job's Failed condition, for failures without a result. */
  readonly jobFailure?: { readonly reason: string; readonly message: string };
}

type Time = Date | string | undefined;

/** Summarises one Job of `backupName` with its Pods. */
export function observeRun(backupName: string, job: V1Job, pods: readonly V1Pod[]): ObservedRun {
  const name = job.metadata?.name ?? '';
  const parsed = parseRunName(backupName, name);
  const conditions = job.status?.conditions ?? [];
  const isTrue = (type: string) => conditions.find((c) => c.type === type && c.status === 'True');
  const complete = isTrue('Complete');
  const failed = complete ? undefined : isTrue('Failed');
  const result = pickPodResult(pods, readBackupResult);
  const state: RunState = complete ? 'succeeded' : failed ? 'failed' : 'active';
  const finishedAt = complete
    ? (toDate(job.status?.completionTime) ?? toDate(complete.lastTransitionTime))
    : toDate(failed?.lastTransitionTime);
  return {
    name,
    state,
    trigger: triggerOf(job, parsed.kind),
    scheduledTime: 'scheduledTime' in parsed ? parsed.scheduledTime : undefined,
    runNowToken: job.metadata?.annotations?.[RUN_NOW_ANNOTATION],
    deleting: job.metadata?.deletionTimestamp !== undefined,
    startTime: toDate(job.status?.startTime) ?? toDate(job.metadata?.creationTimestamp),
    completionTime:
      state === 'active' ? undefined : (finishedAt ?? toDate(result?.snapshot?.endTime)),
    result,
    jobFailure: failed
      ? { reason: failed.reason ?? 'Failed', message: failed.message ?? '' }
      : undefined,
  };
}

/** True for the Job's controlling Pods (by owner reference, else the job-name label). */
export function podBelongsTo(pod: V1Pod, jobName: string): boolean {
  const owner = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (owner) return owner.kind === 'Job' && owner.name === jobName;
  const labels = pod.metadata?.labels ?? {};
  return (labels['batch.kubernetes.io/job-name'] ?? labels['job-name']) === jobName;
}

function triggerOf(
  job: V1Job,
  kind: ReturnType<typeof parseRunName>['kind'],
): RunTrigger | undefined {
  const label = job.metadata?.labels?.[LABELS.trigger];
  if ((RUN_TRIGGERS as readonly string[]).includes(label ?? '')) return label as RunTrigger;
  if (kind === 'run-now') return 'run-now';
  return kind === 'scheduled' ? 'schedule' : undefined;
}

/** client-node models carry Dates; plain JSON (and tests) carry RFC 3339 strings. */
export function toDate(value: Time): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
