import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { LABELS, RUN_NOW_ANNOTATION } from '../../api/v1alpha1/index.js';

/**
 * What a backup reconcile reads of its Jobs and Pods (observation.ts,
 * pod-result.ts, indexes.ts), as a string: an event that changes none of it
 * cannot change a plan, so it does not wake the controller. In the minutes
 * after 1,000 runs start, the job controller creates each Pod and updates each
 * Job's counters (active, ready, terminating) several times; only a Job's
 * start, end and conditions and a Pod's terminated containers matter here.
 * Keep in step with observeRun and pickPodResult.
 */
export function jobRelevance(job: V1Job): string {
  const { metadata, status } = job;
  return JSON.stringify([
    metadata?.labels?.[LABELS.backup],
    metadata?.labels?.[LABELS.trigger],
    metadata?.annotations?.[RUN_NOW_ANNOTATION],
    controllerOf(metadata?.ownerReferences),
    metadata?.deletionTimestamp,
    status?.startTime,
    status?.completionTime,
    (status?.conditions ?? []).map((c) => [
      c.type,
      c.status,
      c.reason,
      c.message,
      c.lastTransitionTime,
    ]),
  ]);
}

/**
 * A Pod matters only once a container has ended (its termination message is the
 * run's result): undefined before, so creating and scheduling Pods wakes nothing.
 */
export function podRelevance(pod: V1Pod): string | undefined {
  const { metadata, status } = pod;
  const ended = (status?.containerStatuses ?? []).flatMap((c) =>
    [c.state?.terminated, c.lastState?.terminated].flatMap((t) =>
      t ? [[t.message, t.finishedAt]] : [],
    ),
  );
  if (ended.length === 0) return undefined;
  const labels = metadata?.labels ?? {};
  return JSON.stringify([
    labels[LABELS.backup],
    labels['batch.kubernetes.io/job-name'] ?? labels['job-name'],
    controllerOf(metadata?.ownerReferences),
    ended,
  ]);
}

type OwnerReference = { kind: string; name: string; uid: string; controller?: boolean };

function controllerOf(refs: readonly OwnerReference[] | undefined): string[] | undefined {
  const owner = refs?.find((r) => r.controller === true);
  return owner && [owner.kind, owner.name, owner.uid];
}
