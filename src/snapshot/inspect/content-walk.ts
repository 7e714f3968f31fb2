import type { BboltDatabase, BucketRef, EntryVisitor } from '../../bbolt/database.js';
import { SnapshotFormatError } from '../../bbolt/errors.js';
import { BUCKET_LEAF_FLAG } from '../../bbolt/layout.js';
import type { LeafElement, TreePage } from '../../bbolt/page.js';
import type { ContentCollector } from './content-collector.js';
import { INFO_BUCKETS } from './etcd-info.js';
import { decodeKeyValue, newKeyValue } from './key-value.js';
import { decodeRevision, newRevision } from './revision.js';

interface TopBucket {
  readonly name: Buffer;
  readonly ref: BucketRef;
}

/**
 * Walks the database as `etcdutl snapshot status` does: every top-level bucket
 * in name order, hashing its name, then each entry's key and value (a nested
 * bucket contributes its key only). Nested buckets are walked afterwards for
 * structure, as bbolt's Check (which etcdutl runs first) would.
 */
export async function walkContent(db: BboltDatabase, collector: ContentCollector): Promise<void> {
  const tops: TopBucket[] = [];
  await db.forEach(db.rootBucket(), (page, entry) => {
    if (!(entry.flags & BUCKET_LEAF_FLAG)) {
      throw new SnapshotFormatError(
        'NotABucket',
        `page ${page.id}: top-level key ${quote(page, entry)} is not a bucket`,
        {
          pageId: page.id,
          offset: page.fileOffset,
        },
      );
    }
    tops.push({
      name: Buffer.from(page.buf.subarray(entry.keyStart, entry.keyEnd)),
      ref: db.bucketFromEntry(page, entry),
    });
  });
  for (const top of tops) {
    collector.beginBucket(top.name);
    const nested: BucketRef[] = [];
    const name = collector.bucketName;
    const visit =
      name === 'key'
        ? keyBucketVisitor(collector)
        : INFO_BUCKETS.has(name)
          ? infoVisitor(collector)
          : plainVisitor(collector);
    await db.forEach(top.ref, (page, entry) => {
      collector.countEntries(1);
      if (entry.flags & BUCKET_LEAF_FLAG) {
        collector.hashBytes(page.buf, entry.keyStart, entry.keyEnd);
        nested.push(db.bucketFromEntry(page, entry));
      } else visit(page, entry);
    });
    for (const child of nested) await db.walkNested(child, 2);
  }
}

function plainVisitor(collector: ContentCollector): EntryVisitor {
  // Key and value are adjacent in a leaf, so one update covers both.
  return (page, entry) => collector.hashBytes(page.buf, entry.keyStart, entry.valueEnd);
}

function infoVisitor(collector: ContentCollector): EntryVisitor {
  return (page, entry) => {
    collector.hashBytes(page.buf, entry.keyStart, entry.valueEnd);
    const key = page.buf.toString('latin1', entry.keyStart, entry.keyEnd);
    collector.infoEntry(key, Buffer.from(page.buf.subarray(entry.valueStart, entry.valueEnd)));
  };
}

function keyBucketVisitor(collector: ContentCollector): EntryVisitor {
  const rev = newRevision();
  const kv = newKeyValue();
  return (page, entry) => {
    const buf = page.buf;
    collector.hashBytes(buf, entry.keyStart, entry.valueEnd);
    decodeRevision(buf, entry.keyStart, entry.keyEnd, rev, page.id);
    decodeKeyValue(buf, entry.valueStart, entry.valueEnd, kv, page.id);
    const key = buf.toString('latin1', kv.keyStart, kv.keyEnd);
    collector.revisionEntry(
      rev.main,
      key,
      rev.tombstone,
      kv.keyEnd - kv.keyStart + (kv.valueEnd - kv.valueStart),
    );
  };
}

function quote(page: TreePage, entry: LeafElement): string {
  return JSON.stringify(
    page.buf.toString('latin1', entry.keyStart, Math.min(entry.keyEnd, entry.keyStart + 64)),
  );
}
