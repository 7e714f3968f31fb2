import path from 'node:path';
import type { V1Container } from '@kubernetes/client-node';
import { expandVars } from './expand.js';
import { underRoot } from './pod-paths.js';
import type { PlannedVolume } from './volume-plan.js';

/** A mount is a symlink at `link` (inside the pod root) to `target` (a volume directory or host path). */
export interface PlannedMount {
  readonly link: string;
  readonly target: string;
  /** Subpaths of directories are created when missing, as the kubelet does; file volumes are not. */
  readonly createTarget: boolean;
}

export type MountPlan = { ok: true; mounts: PlannedMount[] } | { ok: false; message: string };

/**
 * A container's volumeMounts as symlinks, parents before children so nested
 * mounts land inside the outer one as they would with bind mounts.
 */
export function planMounts(
  container: V1Container,
  volumes: readonly PlannedVolume[],
  root: string,
  volumeDir: (name: string) => string,
  env: Readonly<Record<string, string>>,
): MountPlan {
  const mounts: PlannedMount[] = [];
  const ordered = [...(container.volumeMounts ?? [])].sort(
    (a, b) => depth(a.mountPath) - depth(b.mountPath),
  );
  for (const m of ordered) {
    const volume = volumes.find((v) => v.name === m.name);
    if (!volume)
      return { ok: false, message: `volumeMount "${m.name}" refers to no volume of the pod` };
    const base = volume.kind === 'hostPath' ? volume.path : volumeDir(volume.name);
    const sub = m.subPathExpr ? expandVars(m.subPathExpr, (n) => env[n]) : (m.subPath ?? '');
    if (sub.split('/').includes('..') || path.isAbsolute(sub)) {
      return {
        ok: false,
        message: `subPath "${sub}" of volumeMount "${m.name}" must be a relative path inside the volume`,
      };
    }
    mounts.push({
      link: underRoot(root, m.mountPath),
      target: sub ? path.join(base, sub) : base,
      createTarget: sub !== '' && volume.kind !== 'files',
    });
  }
  return { ok: true, mounts };
}

function depth(mountPath: string): number {
  return path.posix.resolve('/', mountPath).split('/').length;
}
