import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';

/** `<namespace>_<name>_<uid>`: the kubelet's own naming, unique even when a name is reused. */
export function podDirName(pod: V1Pod): string {
  const meta = pod.metadata ?? {};
  return `${meta.namespace ?? 'default'}_${meta.name ?? ''}_${meta.uid ?? ''}`;
}

/** Where a container path lands inside a pod root; `..` cannot climb out of the root. */
export function underRoot(root: string, containerPath: string): string {
  return path.join(root, path.posix.resolve('/', containerPath));
}

export interface PodPaths {
  readonly dir: string;
  readonly root: string;
  readonly volumes: string;
  logFile(container: string): string;
  volume(name: string): string;
}

export function podPaths(workDir: string, pod: V1Pod): PodPaths {
  const dir = path.join(workDir, 'pods', podDirName(pod));
  const volumes = path.join(dir, 'volumes');
  return {
    dir,
    root: path.join(dir, 'root'),
    volumes,
    logFile: (container) => path.join(dir, `${container}.log`),
    volume: (name) => path.join(volumes, name),
  };
}
