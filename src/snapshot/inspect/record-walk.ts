import { MAX_TREE_DEPTH } from '../bbolt/database.js';
import { SnapshotFormatError } from '../bbolt/errors.js';
import { parseTreePage } from '../bbolt/page.js';
import type { ContentCollector } from './content-collector.js';
import { INFO_BUCKETS } from './etcd-info.js';
import { recordLeaf, type LeafRecord, type NestedBucket, type PageRecord } from './page-record.js';

/** What a streamed page became: a record with its overflow count, or why it is unusable. */
export type Stored =
  | { readonly record: PageRecord; readonly overflow: number }
  | { readonly error: SnapshotFormatError };

/**
 * Replays page records in the order `etcdutl snapshot status` walks the
 * tree, from the meta's root, with the file walker's guards: ids below the
 * high water mark, branch/leaf pages only, no page reached twice, bounded depth.
 */
export class RecordWalk {
  private readonly reached: Uint8Array;

  constructor(
    private readonly pages: ReadonlyMap<number, Stored>,
    private readonly pgid: number,
  ) {
    this.reached = new Uint8Array(pgid);
  }

  run(root: number, collector: ContentCollector): void {
    const tops: NestedBucket[] = [];
    this.leaves({ name: Buffer.alloc(0), root, inline: null }, 0, (leaf, pageId) => {
      if (leaf.entries !== leaf.buckets.length) {
        throw new SnapshotFormatError(
          'NotABucket',
          `page ${pageId}: a top-level key is not a bucket`,
          { pageId },
        );
      }
      tops.push(...leaf.buckets);
    });
    for (const top of tops) {
      collector.beginBucket(top.name);
      const name = collector.bucketName;
      const nested: NestedBucket[] = [];
      this.leaves(top, 1, (leaf) => {
        collector.hashCombined(leaf.crc, leaf.length);
        collector.countEntries(leaf.entries);
        if (name === 'key') replayRevisions(leaf, collector);
        else if (INFO_BUCKETS.has(name)) for (const [k, v] of leaf.info) collector.infoEntry(k, v);
        nested.push(...leaf.buckets);
      });
      for (const child of nested) this.structure(child, 2);
    }
  }

  /** Walks a nested bucket only to check it, as bbolt's Check would. */
  private structure(bucket: NestedBucket, depth: number): void {
    const nested: NestedBucket[] = [];
    this.leaves(bucket, depth, (leaf) => nested.push(...leaf.buckets));
    for (const child of nested) this.structure(child, depth + 1);
  }

  private leaves(
    bucket: NestedBucket,
    depth: number,
    visit: (leaf: LeafRecord, pageId: number) => void,
  ): void {
    if (depth > MAX_TREE_DEPTH)
      throw new SnapshotFormatError(
        'TooDeep',
        `buckets are nested more than ${MAX_TREE_DEPTH} deep`,
      );
    if (bucket.inline) {
      visit(recordLeaf(parseTreePage(bucket.inline, 0, bucket.inline.length, 0, null, 0)), 0);
      return;
    }
    this.page(bucket.root, 'a bucket root', 0, visit);
  }

  private page(
    id: number,
    via: string,
    depth: number,
    visit: (leaf: LeafRecord, pageId: number) => void,
  ): void {
    if (depth > MAX_TREE_DEPTH) {
      throw new SnapshotFormatError(
        'TooDeep',
        `page ${id} (${via}) is more than ${MAX_TREE_DEPTH} levels below its bucket root`,
        { pageId: id },
      );
    }
    const record = this.take(id, via);
    if (record.kind === 'leaf') return visit(record, id);
    if (record.children.length === 0)
      throw new SnapshotFormatError('BadElement', `branch page ${id} has no elements`, {
        pageId: id,
      });
    record.children.forEach((child, i) =>
      this.page(child, `element ${i} of branch page ${id}`, depth + 1, visit),
    );
  }

  private take(id: number, via: string): PageRecord {
    if (!(id < this.pgid)) {
      throw new SnapshotFormatError(
        'PageOutOfRange',
        `page ${id} (${via}) is beyond the high water mark of ${this.pgid} pages`,
        { pageId: id },
      );
    }
    const stored = this.pages.get(id);
    if (!stored)
      throw new SnapshotFormatError(
        'BadPageType',
        `page ${id} (${via}) is not a branch or leaf page`,
        { pageId: id },
      );
    if ('error' in stored) throw stored.error;
    if (id + stored.overflow >= this.pgid) {
      throw new SnapshotFormatError(
        'PageOutOfRange',
        `page ${id} (${via}) with ${stored.overflow} overflow pages runs past the high water mark`,
        { pageId: id },
      );
    }
    for (let p = id; p <= id + stored.overflow; p++) {
      if (this.reached[p] === 1)
        throw new SnapshotFormatError(
          'Cycle',
          `page ${p} is reached a second time (a cycle or a page with two parents), ${via}`,
          { pageId: p },
        );
      this.reached[p] = 1;
    }
    return stored.record;
  }
}

function replayRevisions(leaf: LeafRecord, collector: ContentCollector): void {
  const revisions = leaf.revisions;
  if ('error' in revisions) throw revisions.error;
  for (let i = 0; i < revisions.main.length; i++) {
    if (revisions.main[i]! < 0) continue;
    collector.revisionEntry(
      revisions.main[i]!,
      revisions.keys[i]!,
      revisions.tombstone[i] === 1,
      revisions.bytes[i]!,
    );
  }
}
