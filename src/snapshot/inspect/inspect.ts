import type { PositionalReader } from '../../bbolt/block-cache.js';
import { ContentCollector, summaryOf } from './content-collector.js';
import { walkContent } from './content-walk.js';
import { DEFAULT_REGISTRY_PREFIX } from './k8s-keys.js';
import { openSnapshot, withSnapshotFile, type OpenOptions } from './snapshot-file.js';
import { fileDigest, readerDigest, settleBoth, trailerInfo, type Digest } from './trailer-check.js';
import type { SnapshotSummary } from './types.js';

export interface InspectOptions extends OpenOptions {
  /** Recompute the database's sha256 and compare it with the trailer. Default true. */
  readonly checkDigest?: boolean;
  /** The API server's `--etcd-prefix`. Default `/registry`. */
  readonly registryPrefix?: string;
}

/** Summarises a snapshot file: etcdutl's status plus live keys by resource and namespace. */
export async function inspectSnapshotFile(
  path: string,
  options: InspectOptions = {},
): Promise<SnapshotSummary> {
  return withSnapshotFile(path, (handle, size) =>
    inspectSnapshot(handle, size, options, fileDigest(path)),
  );
}

/**
 * The same over any positional reader. The tree walk and the digest (a
 * sequential read) run side by side; if either fails the other is stopped.
 */
export async function inspectSnapshot(
  reader: PositionalReader,
  fileSize: number,
  options: InspectOptions = {},
  digest: Digest = readerDigest,
): Promise<SnapshotSummary> {
  const snapshot = await openSnapshot(reader, fileSize, options);
  const collector = new ContentCollector(options.registryPrefix ?? DEFAULT_REGISTRY_PREFIX);
  const stop = new AbortController();
  const [content, trailer] = await settleBoth(
    walkContent(snapshot.db, collector).then(() => collector.finish()),
    trailerInfo(snapshot, options.checkDigest === false ? null : digest, stop.signal),
    stop,
  );
  const { db } = snapshot;
  return summaryOf(content, { meta: db.meta, pageSize: db.pageSize, fileSize, trailer });
}
