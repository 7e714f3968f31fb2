import type { V1Pod } from '@kubernetes/client-node';
import { checkRunnable, type Unrunnable } from './command.js';
import { checkVolumesSupported } from './volume-plan.js';

export interface PodUnrunnable extends Unrunnable {
  /** The container at fault, when one is. */
  readonly container?: { readonly init: boolean; readonly index: number };
}

/** Sidecars (init containers that keep running) would block the pod forever here: say so instead. */
const SIDECAR = (name: string): Unrunnable => ({
  reason: 'ErrSidecarNotSupported',
  message: `init container "${name}" has restartPolicy Always (a sidecar), which the test-bed node agent does not support`,
});

/** The first reason this pod can never run on the agent: checked before anything starts. */
export function findUnrunnable(
  pod: V1Pod,
  isOwnImage: (image: string) => boolean,
): PodUnrunnable | undefined {
  const groups = [
    { init: true, containers: pod.spec?.initContainers ?? [] },
    { init: false, containers: pod.spec?.containers ?? [] },
  ];
  for (const { init, containers } of groups) {
    for (const [index, c] of containers.entries()) {
      const why =
        init && c.restartPolicy === 'Always' ? SIDECAR(c.name) : checkRunnable(c, isOwnImage);
      if (why) return { ...why, container: { init, index } };
    }
  }
  return checkVolumesSupported(pod);
}
