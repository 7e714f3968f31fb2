import path from 'node:path';
import { Etcd3 } from 'etcd3';
import type { SnapshotManifest } from '../../src/snapshot/catalog/manifest.js';
import { cliOk } from './cli.js';
import { writeK8sWorkload } from './fixtures/k8s-workload.js';
import { startEtcd, type EtcdServer } from './testbed/etcd.js';

/** What a restore test runs against: a source etcd with a Kubernetes-shaped workload, an empty target. */
export interface EtcdPair {
  readonly source: EtcdServer;
  readonly target: EtcdServer;
  readonly src: Etcd3;
  readonly dst: Etcd3;
  /** `etcd-snapshot save` of the source to `dest` as `name`: the manifest it prints. */
  save(dest: string, name: string, ...extra: string[]): Promise<SnapshotManifest>;
  stop(): Promise<void>;
}

/** Starts both members under `dir` (source/, target/) and writes `objects` objects to the source. */
export async function startEtcdPair(dir: string, objects: number): Promise<EtcdPair> {
  const [source, target] = await Promise.all([
    startEtcd({ dir: path.join(dir, 'source') }),
    startEtcd({ dir: path.join(dir, 'target') }),
  ]);
  const src = new Etcd3({ hosts: source.endpoint });
  const dst = new Etcd3({ hosts: target.endpoint });
  await writeK8sWorkload(src, objects);
  return {
    source,
    target,
    src,
    dst,
    async save(dest, name, ...extra) {
      const args = ['save', '--endpoints', source.endpoint, '--to', dest, '--name', name];
      return JSON.parse(await cliOk([...args, '--json', ...extra])) as SnapshotManifest;
    },
    async stop() {
      src.close();
      dst.close();
      await Promise.all([source.stop(), target.stop()]);
    },
  };
}
