import { checkMetaBounds, chooseMeta, withPageSize } from '../bbolt/meta.js';
import type { SnapshotFormatError } from '../bbolt/errors.js';
import type { TreePage } from '../bbolt/page.js';
import { ContentCollector, summaryOf } from './content-collector.js';
import { DEFAULT_REGISTRY_PREFIX } from './k8s-keys.js';
import { recordBranch, recordLeaf } from './page-record.js';
import { RecordWalk, type Stored } from './record-walk.js';
import { snapshotLayout } from './snapshot-file.js';
import { StreamPages, type StreamEnd } from './stream-pages.js';
import type { SnapshotSummary, TrailerInfo } from './types.js';

export interface ScannerOptions {
  /** The API server's `--etcd-prefix`. Default `/registry`. */
  readonly registryPrefix?: string;
  /** Largest page (with overflow) held while it streams by. Default 256 MiB. */
  readonly maxPageBytes?: number;
  /**
   * Recompute the sha256 to check the trailer. Default true; a pipeline that
   * already verifies the trailer (TrailerVerifier) turns it off.
   */
  readonly checkDigest?: boolean;
}

/**
 * Computes the same summary as `inspectSnapshotFile` while a snapshot streams
 * through, with no temp file and no random access: feed every chunk in order
 * to `write`, then call `finish`. Chunks are copied, so a caller may reuse them.
 */
export interface SnapshotScanner {
  /** May throw SnapshotFormatError early (e.g. no bbolt meta page at the start). */
  write(chunk: Buffer): void;
  /** The summary, or SnapshotFormatError; the trailer is reported, not enforced. */
  finish(): SnapshotSummary;
}

/**
 * Each branch/leaf page becomes a compact record as it arrives (children;
 * per-page CRC and length; decoded revisions; small metadata entries); the
 * tree is resolved from the meta root at the end and the records replayed
 * in key order, the per-page CRCs stitched together with crc32cCombine.
 * Memory: one record per branch/leaf page in the stream, stale ones included,
 * whose size is dominated by one short string per `key` bucket revision.
 */
export function createSnapshotScanner(options: ScannerOptions = {}): SnapshotScanner {
  const pages = new Map<number, Stored>();
  const onPage = (page: TreePage, overflow: number) => {
    const record = page.isLeaf ? recordLeaf(page) : recordBranch(page);
    pages.set(page.id, { record, overflow });
  };
  const onBadPage = (id: number, error: SnapshotFormatError) => pages.set(id, { error });
  const maxPageBytes = options.maxPageBytes ?? 256 << 20;
  const stream = new StreamPages(onPage, onBadPage, maxPageBytes, options.checkDigest ?? true);
  return {
    write: (chunk) => stream.write(chunk),
    finish: () => summarize(stream.end(), pages, options.registryPrefix ?? DEFAULT_REGISTRY_PREFIX),
  };
}

function summarize(
  end: StreamEnd,
  pages: ReadonlyMap<number, Stored>,
  registryPrefix: string,
): SnapshotSummary {
  const layout = snapshotLayout(end.size, end.pageSize);
  const meta = chooseMeta(
    withPageSize(end.metas[0], end.pageSize),
    withPageSize(end.metas[1], end.pageSize),
  );
  checkMetaBounds(meta, layout.dbBytes);
  const collector = new ContentCollector(registryPrefix);
  new RecordWalk(pages, meta.pgid).run(meta.root, collector);
  const content = collector.finish();
  const sha256 = end.tail.toString('hex');
  const trailer: TrailerInfo = !layout.trailerPresent
    ? { present: false, sha256: null, valid: null }
    : { present: true, sha256, valid: end.digest === null ? null : end.digest === sha256 };
  return summaryOf(content, { meta, pageSize: end.pageSize, fileSize: end.size, trailer });
}
