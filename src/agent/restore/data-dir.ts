import { mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DataDirTargetConfig } from '../../api/agent/index.js';
import type { RunEtcdutl } from './etcdutl.js';
import { ProjectError } from '../../api/errors.js';

/** A running etcd still holds the data directory: nothing was swapped. */
export class TargetInUseError extends ProjectError {
  override readonly name = 'TargetInUseError';
  readonly code = 'TargetInUse';
  readonly category = 'refused';
  override get reason(): string {
    return 'TargetInUse';
  }
}

export interface DataDirPorts {
  readonly etcdutl: RunEtcdutl;
  readonly isLocked: (file: string) => Promise<boolean>;
  readonly signal?: AbortSignal;
}

/** Where things go for one member, in local paths. */
export interface DataDirLayout {
  /** The live data directory etcd is started with. */
  readonly dataDir: string;
  /** What gets swapped: the data directory itself, or its `member` folder. */
  readonly live: string;
  /** etcdutl's --data-dir: a fresh directory beside `live`. */
  readonly staging: string;
  /** What etcdutl produced that replaces `live`. */
  readonly produced: string;
  /** Where `live` is kept, stamped. */
  readonly previous: string;
  /** Where the snapshot is downloaded: the same filesystem as the data directory. */
  readonly download: string;
}

export function dataDirLayout(dataDir: string, target: DataDirTargetConfig): DataDirLayout {
  const { stamp } = target;
  if (target.swap === 'directory') {
    const staging = `${dataDir}.restore-${stamp}`;
    return {
      dataDir,
      live: dataDir,
      staging,
      produced: staging,
      previous: `${dataDir}.previous-${stamp}`,
      download: path.join(path.dirname(dataDir), `.${path.basename(dataDir)}-${stamp}.db`),
    };
  }
  const staging = path.join(dataDir, `.restore-${stamp}`);
  return {
    dataDir,
    live: path.join(dataDir, 'member'),
    staging,
    produced: path.join(staging, 'member'),
    previous: path.join(dataDir, `member.previous-${stamp}`),
    download: path.join(dataDir, `.snapshot-${stamp}.db`),
  };
}

const exists = async (p: string) => (await stat(p).catch(() => undefined)) !== undefined;

/** True when a previous attempt of this very restore (same stamp) already swapped. */
export async function alreadySwapped(layout: DataDirLayout): Promise<boolean> {
  return (await exists(layout.previous)) && (await exists(path.join(layout.dataDir, 'member')));
}

async function refuseIfInUse(layout: DataDirLayout, ports: DataDirPorts): Promise<void> {
  const db = path.join(layout.dataDir, 'member', 'snap', 'db');
  if (await ports.isLocked(db))
    throw new TargetInUseError(
      `a running etcd holds ${db} (bbolt's file lock), so the data directory was left as it was: stop that member first (kubeadm: move etcd.yaml out of /etc/kubernetes/manifests; StatefulSet: scale it to 0), then create the EtcdRestore again`,
    );
}

/**
 * `etcdutl snapshot restore` into a fresh directory beside the live one, then
 * the swap: the live directory is renamed aside with the stamp (kept, never
 * deleted) and the restored one renamed into place. Refuses while a running
 * etcd holds the database, checked before the restore and again right before
 * the swap. Every step is a rename within one filesystem.
 */
export async function restoreDataDir(
  file: string,
  target: DataDirTargetConfig,
  layout: DataDirLayout,
  ports: DataDirPorts,
): Promise<{ previousDataDir?: string }> {
  await refuseIfInUse(layout, ports);
  await rm(layout.staging, { recursive: true, force: true });
  await mkdir(path.dirname(layout.staging), { recursive: true });
  await ports.etcdutl(
    [
      'snapshot',
      'restore',
      file,
      `--data-dir=${layout.staging}`,
      `--name=${target.member.name}`,
      `--initial-cluster=${target.initialCluster}`,
      `--initial-cluster-token=${target.initialClusterToken}`,
      `--initial-advertise-peer-urls=${target.member.peerURL}`,
      ...(target.bumpRevision > 0 ? [`--bump-revision=${target.bumpRevision}`] : []),
      ...(target.markCompacted ? ['--mark-compacted'] : []),
    ],
    ports.signal,
  );
  await refuseIfInUse(layout, ports);
  const hadLive = await exists(layout.live);
  if (hadLive) await rename(layout.live, layout.previous);
  await rename(layout.produced, layout.live);
  if (layout.produced !== layout.staging) await rmdir(layout.staging).catch(() => {});
  return hadLive ? { previousDataDir: layout.previous } : {};
}
