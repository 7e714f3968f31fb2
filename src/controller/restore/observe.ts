import type { V1Job, V1Pod } from '@kubernetes/client-node';
import {
  readRestoreProgress,
  readRestoreResult,
  type RestoreProgress,
} from '../../api/agent/index.js';
import { KINDS, LABELS, type EtcdBackup, type EtcdRestore } from '../../api/v1alpha1/index.js';
import type { AgentPolicy } from '../policy/agent-policy.js';
import { isKubeError } from '../../kube/errors.js';
import type { CustomResourcePort } from '../../kube/ports.js';
import type { PodLogPort } from '../../kube/pod-logs.js';
import { AGENT_CONTAINER_NAME } from '../jobs/agent-pod.js';
import { pickPodResult } from '../pod-result.js';
import type { ObjectCache } from '../informer-store.js';
import { restoreReferences } from '../jobs/restore-job.js';
import { parseKey } from '../object-key.js';
import { observeReferences, type ReferenceReaders } from '../references.js';
import type { ObservedRestore, ObservedRestoreJob } from './observation.js';

export interface RestoreObserveDeps extends ReferenceReaders {
  readonly restores: ObjectCache<EtcdRestore>;
  readonly jobCache: ObjectCache<V1Job>;
  readonly podCache: ObjectCache<V1Pod>;
  readonly backupClient: Pick<CustomResourcePort<EtcdBackup>, 'get'>;
  /** What the restore's Pods may ask for (docs/security.md). */
  readonly policy?: AgentPolicy;
  /** Reads the running agent's progress lines; without it, status has no progress. */
  readonly podLogs?: PodLogPort;
}

/** The tail read for progress: the agent logs a line every few seconds, a few hundred bytes each. */
const PROGRESS_TAIL = { lines: 20, limitBytes: 16 * 1024 };

/**
 * The newest progress line of a Job's running Pod, read from its log. A log
 * that cannot be read (the Pod just went, the kubelet is away) means no
 * progress this time, never a failed reconcile.
 */
async function runningProgress(
  pods: readonly V1Pod[],
  logs: PodLogPort | undefined,
): Promise<RestoreProgress | undefined> {
  const running = pods.find((p) => p.status?.phase === 'Running');
  const { namespace, name } = running?.metadata ?? {};
  if (!logs || !namespace || !name) return undefined;
  try {
    return readRestoreProgress(
      await logs.tail(namespace, name, AGENT_CONTAINER_NAME, PROGRESS_TAIL),
    );
  } catch {
    return undefined;
  }
}

function summarize(job: V1Job, pods: readonly V1Pod[]): ObservedRestoreJob {
  const conditions = job.status?.conditions ?? [];
  const isTrue = (type: string) => conditions.find((c) => c.type === type && c.status === 'True');
  const complete = isTrue('Complete');
  const failed = complete ? undefined : isTrue('Failed');
  const result = pickPodResult(pods, readRestoreResult);
  const finished = complete
    ? (job.status?.completionTime ?? complete.lastTransitionTime)
    : failed?.lastTransitionTime;
  const member = job.metadata?.labels?.[LABELS.member];
  return {
    name: job.metadata?.name ?? '',
    state: complete ? 'succeeded' : failed ? 'failed' : 'active',
    ...(member ? { member } : {}),
    ...(finished ? { completionTime: new Date(finished) } : {}),
    ...(result ? { result } : {}),
    ...(failed
      ? { failure: { reason: failed.reason ?? 'Failed', message: failed.message ?? '' } }
      : {}),
  };
}

function ownedBy(obj: V1Job, restore: EtcdRestore): boolean {
  const owner = obj.metadata?.ownerReferences?.find((r) => r.controller === true);
  return owner?.kind === KINDS.restore && owner.uid === restore.metadata?.uid;
}

function podOf(pod: V1Pod, jobName: string): boolean {
  const owner = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (owner) return owner.kind === 'Job' && owner.name === jobName;
  return pod.metadata?.labels?.['batch.kubernetes.io/job-name'] === jobName;
}

/** Reads everything a restore reconcile plans from; writes nothing. Undefined when it is gone. */
export async function observeRestore(
  key: string,
  deps: RestoreObserveDeps,
): Promise<ObservedRestore | undefined> {
  const restore = deps.restores.get(key);
  if (!restore) return undefined;
  const { namespace = '', name } = parseKey(key);
  const ref = restore.spec.source.backupRef;
  let backup: EtcdBackup | null | undefined;
  if (ref) {
    try {
      backup = (await deps.backupClient.get(namespace, ref.name)) ?? null;
    } catch (err) {
      if (!isKubeError(err, 'NotFound')) throw err;
      backup = null;
    }
  }
  const pods = deps.podCache
    .list(namespace)
    .filter((p) => p.metadata?.labels?.[LABELS.restore] === name);
  const jobs = await Promise.all(
    deps.jobCache
      .list(namespace)
      .filter((j) => ownedBy(j, restore))
      .map(async (j) => {
        const own = pods.filter((p) => podOf(p, j.metadata?.name ?? ''));
        const job = summarize(j, own);
        if (job.state !== 'active') return job;
        const progress = await runningProgress(own, deps.podLogs);
        return progress ? { ...job, progress } : job;
      }),
  );
  const finished = restore.status?.phase === 'Completed' || restore.status?.phase === 'Failed';
  const references = finished
    ? []
    : await observeReferences(namespace, restoreReferences(restore, backup ?? undefined), deps);
  return {
    restore,
    ...(ref ? { backup } : {}),
    references,
    jobs,
    ...(deps.policy ? { policy: deps.policy } : {}),
  };
}
