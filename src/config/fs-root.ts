import path from 'node:path';

/**
 * Absolute paths in configuration are container paths. When the snapshot
 * agent runs outside a container (the test bed's node agent runs Pods as
 * local processes), ETCD_SNAPSHOT_FS_ROOT names the directory standing for
 * the container's `/`; paths resolve under it. Unset: paths are used as given.
 */
export function resolveContainerPath(
  p: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const root = env.ETCD_SNAPSHOT_FS_ROOT;
  if (!root || !path.isAbsolute(p)) return p;
  return path.join(root, p);
}
