import type { V1Pod } from '@kubernetes/client-node';
import { fetchLookups } from './fetch-lookups.js';
import { volumeRefs } from './object-refs.js';
import { planVolumes, type PlannedVolume } from './volume-plan.js';
import { writeVolumes } from './volume-writer.js';
import type { RunContext } from './worker-deps.js';

export type VolumeSetupContext = Pick<
  RunContext,
  'deps' | 'paths' | 'pod' | 'stopping' | 'sleep'
> & {
  /** Volumes cannot be set up yet; called when the reason changes. */
  waiting(message: string): void;
};

/**
 * Writes all of a pod's volumes, waiting while a referenced Secret, ConfigMap
 * or token is unavailable (the kubelet's FailedMount, pod stays ContainerCreating).
 * Resolves undefined when the pod is stopped first.
 */
export async function setUpVolumes(ctx: VolumeSetupContext): Promise<PlannedVolume[] | undefined> {
  let reported: string | undefined;
  while (!ctx.stopping()) {
    const pod: V1Pod = ctx.pod();
    let message: string;
    try {
      const lookups = await fetchLookups(ctx.deps.kube, pod, volumeRefs(pod));
      const plan = planVolumes(pod, lookups, ctx.deps.placement);
      if (plan.ok) {
        await writeVolumes(plan.volumes, ctx.paths.volume);
        return plan.volumes;
      }
      message = plan.message;
    } catch (err) {
      message = `MountVolume.SetUp failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (message !== reported) {
      reported = message;
      ctx.deps.log('pod volumes not ready; retrying', { pod: pod.metadata?.name, message });
      ctx.waiting(message);
    }
    await ctx.sleep(ctx.deps.retryMs);
  }
  return undefined;
}
