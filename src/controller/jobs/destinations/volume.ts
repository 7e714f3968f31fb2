import { AGENT_VOLUME_DIR, type FileStoreConfig } from '../../../api/agent/index.js';
import { DEFAULTS } from '../../../api/v1alpha1/constants.js';
import type { Destination } from '../../../api/v1alpha1/destination.js';
import type { VolumeShape } from '../kube-shapes.js';
import { AGENT_VOLUMES, JobSpecError, type Wiring } from '../wiring.js';

/**
 * A volume destination in a Job: a PVC or host path mounted read-write at
 * AGENT_VOLUME_DIR (subPath is a folder inside it), and the directory the
 * agent writes to. `at` is the spec field, e.g. spec.destination.volume.
 */
export function volumeWiring(
  volume: NonNullable<Destination['volume']>,
  at: string,
): Wiring & { readonly store: FileStoreConfig } {
  const { persistentVolumeClaim, hostPath } = volume;
  if (Boolean(persistentVolumeClaim) === Boolean(hostPath))
    throw new JobSpecError(`${at} needs exactly one source: set persistentVolumeClaim or hostPath`);
  const source: VolumeShape = persistentVolumeClaim
    ? {
        name: AGENT_VOLUMES.store,
        persistentVolumeClaim: { claimName: persistentVolumeClaim.claimName },
      }
    : {
        name: AGENT_VOLUMES.store,
        hostPath: { path: hostPath?.path ?? '', type: hostPath?.type ?? DEFAULTS.hostPathType },
      };
  const directory = volume.subPath ? `${AGENT_VOLUME_DIR}/${volume.subPath}` : AGENT_VOLUME_DIR;
  return {
    volumes: [source],
    mounts: [{ name: AGENT_VOLUMES.store, mountPath: AGENT_VOLUME_DIR }],
    env: [],
    references: [],
    store: { kind: 'file', directory },
  };
}
