import { checkMetaBounds, chooseMeta, withPageSize } from '../../bbolt/meta.js';
import { ContentCollector, summaryOf } from './content-collector.js';
import { DEFAULT_REGISTRY_PREFIX } from './k8s-keys.js';
import { LiveKeys } from './live-keys.js';
import { PageRecords } from './page-record.js';
import { RecordWalk } from './record-walk.js';
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
  /**
   * Compute etcdutl's hash (CRC-32C of every key and value). Default true; the
   * save pipeline, whose manifest does not carry it, turns it off (summary.hash is then 0).
   */
  readonly contentHash?: boolean;
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
 * Each branch/leaf page becomes a row of numbers as it arrives (children;
 * per-page CRC and length), each leaf entry a row of its decoded revision
 * with the user key reduced to a fingerprint and an interned Kubernetes
 * class; the tree is resolved from the meta root at the end and the rows
 * replayed in key order, the per-page CRCs stitched with crc32cCombine.
 * Memory: about 25 bytes per branch/leaf page and 33 per leaf entry in the
 * stream (stale copies included), plus the largest page in flight.
 */
export function createSnapshotScanner(options: ScannerOptions = {}): SnapshotScanner {
  const prefix = options.registryPrefix ?? DEFAULT_REGISTRY_PREFIX;
  const contentHash = options.contentHash ?? true;
  const scanner = scanInto(new PageRecords(prefix, undefined, contentHash), options);
  // Bucket names still reach the collector's hash: without the pages' CRCs it means nothing.
  return contentHash ? scanner : { ...scanner, finish: () => ({ ...scanner.finish(), hash: 0 }) };
}

/**
 * A scanner keeping its records in `records`, which carry the registry prefix
 * (tests give it records whose key fingerprints collide).
 */
export function scanInto(records: PageRecords, options: ScannerOptions = {}): SnapshotScanner {
  const stream = new StreamPages(
    (page, overflow) => records.addPage(page, overflow),
    (id, error) => records.addBadPage(id, error),
    options.maxPageBytes ?? 256 << 20,
    options.checkDigest ?? true,
  );
  return {
    write: (chunk) => stream.write(chunk),
    finish: () => summarize(stream.end(), records),
  };
}

function summarize(end: StreamEnd, records: PageRecords): SnapshotSummary {
  const layout = snapshotLayout(end.size, end.pageSize);
  const meta = chooseMeta(
    withPageSize(end.metas[0], end.pageSize),
    withPageSize(end.metas[1], end.pageSize),
  );
  checkMetaBounds(meta, layout.dbBytes);
  // The collector hashes and counts; live keys are tallied from the rows.
  const collector = new ContentCollector();
  const live = new LiveKeys(records.revisions);
  new RecordWalk(records, meta.pgid).run(meta.root, collector, live);
  const content = { ...collector.finish(), ...live.result(records.classes) };
  const sha256 = end.tail.toString('hex');
  const trailer: TrailerInfo = !layout.trailerPresent
    ? { present: false, sha256: null, valid: null }
    : { present: true, sha256, valid: end.digest === null ? null : end.digest === sha256 };
  return summaryOf(content, { meta, pageSize: end.pageSize, fileSize: end.size, trailer });
}
