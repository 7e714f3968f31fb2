import type { RestoreAgentResult } from '../../api/agent/index.js';
import { REASONS, type EtcdRestoreStatus } from '../../api/v1alpha1/index.js';
import type { CreateRestoreJob } from './plan-jobs.js';
import type { ObservedRestore, ObservedRestoreJob } from './observation.js';

/** How a restore ended, once every Job finished. */
export interface Outcome {
  readonly succeeded: boolean;
  /** The Restored condition's reason when it failed. */
  readonly reason: string;
  readonly eventReason: string;
  readonly message: string;
  readonly completionTime?: Date;
}

/** A Job that failed without a readable result: its Failed condition says why. */
function jobFailure(job: ObservedRestoreJob): { reason: string; message: string } {
  if (job.failure?.reason === 'DeadlineExceeded')
    return {
      reason: REASONS.deadlineExceeded,
      message: `Job ${job.name} ran longer than spec.restoreTimeout and was stopped: raise restoreTimeout for large snapshots or slow links`,
    };
  return {
    reason: REASONS.jobFailed,
    message: `Job ${job.name} failed (${job.failure?.reason ?? 'Failed'}${job.failure?.message ? `: ${job.failure.message}` : ''}) without a result: see its Pod's logs`,
  };
}

export function finishedOutcome(jobs: readonly ObservedRestoreJob[], dryRun: boolean): Outcome {
  const latest = jobs
    .map((j) => j.completionTime?.getTime() ?? 0)
    .reduce((a, b) => Math.max(a, b), 0);
  const completionTime = latest > 0 ? { completionTime: new Date(latest) } : {};
  const failed = jobs.filter((j) => j.state === 'failed' || j.result?.succeeded === false);
  if (failed.length === 0) {
    const results = jobs.flatMap((j) => (j.result ? [j.result] : []));
    const message =
      results.length === 1
        ? results[0]!.message
        : `${jobs.length} member(s) restored: ${results.map((r) => r.member?.name).join(', ')}; start them with the same --initial-cluster and --initial-cluster-token`;
    return {
      succeeded: true,
      reason: dryRun ? REASONS.dryRun : REASONS.restored,
      eventReason: dryRun ? REASONS.dryRun : REASONS.restored,
      message,
      ...completionTime,
    };
  }
  const first = failed[0]!;
  const { reason, message } =
    first.result && !first.result.succeeded
      ? { reason: first.result.reason, message: first.result.message }
      : jobFailure(first);
  const prefix = first.member ? `member ${first.member}: ` : '';
  const others = failed.length > 1 ? ` (${failed.length} of ${jobs.length} Jobs failed)` : '';
  return {
    succeeded: false,
    reason,
    eventReason: REASONS.restoreFailed,
    message: `${prefix}${message}${others}`,
    ...completionTime,
  };
}

/** The resolved snapshot, from the first result that names one. */
export function snapshotStatus(
  jobs: ReadonlyArray<ObservedRestoreJob | undefined>,
): EtcdRestoreStatus['snapshot'] | undefined {
  const s = jobs.map((j) => j?.result?.snapshot).find((x) => x !== undefined);
  if (!s) return undefined;
  return {
    uri: s.uri,
    key: s.key,
    revision: s.revision,
    sha256: s.sha256,
    etcdVersion: s.etcdVersion,
    ...(s.content
      ? {
          content: {
            revision: s.content.revision,
            liveKeys: s.content.liveKeys,
            liveBytes: s.content.liveBytes,
            ...(s.content.resources
              ? { resources: s.content.resources.map((r) => ({ ...r })) }
              : {}),
            ...(s.content.namespaces
              ? { namespaces: s.content.namespaces.map((r) => ({ ...r })) }
              : {}),
          },
        }
      : {}),
  };
}

function memberEntry(name: string, jobName: string, job: ObservedRestoreJob | undefined) {
  const result: RestoreAgentResult | undefined = job?.result;
  const phase = !job
    ? 'Pending'
    : job.state === 'active'
      ? 'Running'
      : job.state === 'succeeded' && result?.succeeded !== false
        ? 'Succeeded'
        : 'Failed';
  const message =
    result?.message ?? (job?.state === 'failed' ? jobFailure(job).message : undefined);
  return {
    name,
    phase: phase as 'Pending' | 'Running' | 'Succeeded' | 'Failed',
    job: jobName,
    ...(message ? { message } : {}),
    ...(result?.member?.dataDir ? { dataDir: result.member.dataDir } : {}),
    ...(result?.member?.previousDataDir ? { previousDataDir: result.member.previousDataDir } : {}),
  };
}

/** Per-member progress of a DataDir restore (not of a dry run, which runs one Job). */
export function memberStatus(
  observed: ObservedRestore,
  wanted: readonly CreateRestoreJob[],
  jobs: ReadonlyArray<ObservedRestoreJob | undefined>,
): EtcdRestoreStatus['members'] | undefined {
  const members = observed.restore.spec.dataDir?.members;
  if (!members || wanted.every((w) => w.member === undefined)) return undefined;
  return wanted.map((w, i) => memberEntry(members[w.member!]!.name, w.jobName, jobs[i]));
}
