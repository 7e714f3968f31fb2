import type { PositionalReader } from '../../bbolt/block-cache.js';
import type { BboltDatabase } from '../../bbolt/database.js';
import { SnapshotFormatError } from '../../bbolt/errors.js';
import { ContentCollector, type CollectedContent } from './content-collector.js';
import { walkContent } from './content-walk.js';
import { fileDigest, readerDigest, settleBoth, trailerInfo, type Digest } from './trailer-check.js';
import {
  openSnapshot,
  withSnapshotFile,
  type OpenOptions,
  type OpenedSnapshot,
} from './snapshot-file.js';
import type { TrailerInfo } from './types.js';

export interface VerifyOptions extends OpenOptions {
  /** Fail with NoTrailer when the file lacks etcd's sha256 trailer. Default true. */
  readonly requireTrailer?: boolean;
}

export interface VerifyReport {
  readonly fileSize: number;
  readonly pageSize: number;
  /** Pages below the high water mark. */
  readonly pages: number;
  readonly txid: number;
  readonly trailer: TrailerInfo;
  readonly hash: number;
  readonly revision: number;
  readonly totalKey: number;
  readonly reachablePages: number;
  readonly branchPages: number;
  readonly leafPages: number;
  readonly overflowPages: number;
  readonly inlineBuckets: number;
  readonly entries: number;
  /** Listed free pages, or null when the freelist is not persisted (etcd's default). */
  readonly freePages: number | null;
  /** Pages neither reachable nor listed free: stale copies bbolt will reuse when no freelist is kept. */
  readonly unreachablePages: number;
}

export async function verifySnapshotFile(
  path: string,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  return withSnapshotFile(path, (handle, size) =>
    verifySnapshot(handle, size, options, fileDigest(path)),
  );
}

/**
 * Everything `inspect` checks (every reachable page in range, of the right
 * type, well formed, reached once, keys in order, etcd records decodable),
 * plus: both meta pages valid, the trailer present and matching, and the
 * persisted freelist (if any) in range and disjoint from reachable pages.
 */
export async function verifySnapshot(
  reader: PositionalReader,
  fileSize: number,
  options: VerifyOptions = {},
  digest: Digest = readerDigest,
): Promise<VerifyReport> {
  const snapshot = await openSnapshot(reader, fileSize, options);
  const { db } = snapshot;
  checkBothMetas(db);
  if (!snapshot.trailerPresent && (options.requireTrailer ?? true)) {
    throw new SnapshotFormatError(
      'NoTrailer',
      `file of ${fileSize} bytes has no sha256 trailer after its ${db.meta.pgid} pages`,
      {
        offset: fileSize,
      },
    );
  }
  const collector = new ContentCollector();
  const stop = new AbortController();
  const [content, trailer] = await settleBoth(
    walkContent(db, collector).then(() => collector.finish()),
    trailerInfo(snapshot, digest, stop.signal),
    stop,
  );
  if (trailer.valid === false) {
    throw new SnapshotFormatError(
      'DigestMismatch',
      `the database's sha256 does not match the trailer ${trailer.sha256}`,
      {
        offset: snapshot.dbBytes,
      },
    );
  }
  return report(snapshot, trailer, content, await checkFreelist(db));
}

function report(
  snapshot: OpenedSnapshot,
  trailer: TrailerInfo,
  content: CollectedContent,
  free: { free: number; freelistPages: number } | null,
): VerifyReport {
  const { db } = snapshot;
  const reachablePages = db.reachedCount();
  const listed = free ? free.free + free.freelistPages : 0;
  return {
    fileSize: snapshot.fileSize,
    pageSize: db.pageSize,
    pages: db.meta.pgid,
    txid: db.meta.txid,
    trailer,
    hash: content.hash,
    revision: content.revision,
    totalKey: content.totalKey,
    reachablePages,
    ...db.stats,
    overflowPages: db.overflowPages,
    freePages: free?.free ?? null,
    unreachablePages: db.meta.pgid - 2 - reachablePages - listed,
  };
}

function checkBothMetas(db: BboltDatabase): void {
  for (const [id, result] of db.metas.entries()) {
    if (!result.ok) {
      throw new SnapshotFormatError(result.code, `meta page ${id} is invalid: ${result.reason}`, {
        pageId: id,
        offset: id * db.pageSize,
      });
    }
  }
}

/** bbolt's Check on a persisted freelist: ids in range, listed once, never reachable. */
async function checkFreelist(
  db: BboltDatabase,
): Promise<{ free: number; freelistPages: number } | null> {
  const freelist = await db.readFreelist();
  if (!freelist) return null;
  const { pageId, overflow, ids } = freelist;
  for (let p = pageId; p <= pageId + overflow; p++) {
    if (db.isReached(p))
      throw overlap(p, `freelist page ${pageId} is also reachable from the tree`);
  }
  const listed = new Uint8Array(db.meta.pgid);
  for (const id of ids) {
    if (!(id >= 2 && id < db.meta.pgid)) {
      throw new SnapshotFormatError(
        'BadFreelist',
        `freelist page ${pageId} lists page ${id}, outside [2, ${db.meta.pgid})`,
        { pageId },
      );
    }
    if (listed[id] === 1)
      throw new SnapshotFormatError(
        'BadFreelist',
        `freelist page ${pageId} lists page ${id} twice`,
        { pageId },
      );
    if (db.isReached(id) || (id >= pageId && id <= pageId + overflow))
      throw overlap(id, `page ${id} is listed free but is in use`);
    listed[id] = 1;
  }
  const unaccounted = db.meta.pgid - 2 - (overflow + 1) - db.reachedCount() - ids.length;
  if (unaccounted > 0) {
    throw new SnapshotFormatError(
      'UnreachablePage',
      `${unaccounted} pages are neither reachable nor listed in freelist page ${pageId}`,
      { pageId },
    );
  }
  return { free: ids.length, freelistPages: overflow + 1 };
}

function overlap(id: number, message: string): SnapshotFormatError {
  return new SnapshotFormatError('FreelistOverlap', message, { pageId: id });
}
