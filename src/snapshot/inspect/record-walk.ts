import { MAX_TREE_DEPTH } from '../../bbolt/database.js';
import { SnapshotFormatError } from '../../bbolt/errors.js';
import { parseTreePage } from '../../bbolt/page.js';
import type { ContentCollector } from './content-collector.js';
import { INFO_BUCKETS } from './etcd-info.js';
import type { LiveKeys } from './live-keys.js';
import type { NestedBucket, PageRecords } from './page-record.js';

/** Called with a leaf's record and its page id (for an inline page, its parent's: 0). */
type LeafVisitor = (leaf: number, pageId: number) => void;

/**
 * Replays page records in the order `etcdutl snapshot status` walks the
 * tree, from the meta's root, with the file walker's guards: ids below the
 * high water mark, branch/leaf pages only, no page reached twice, bounded depth.
 */
export class RecordWalk {
  private readonly reached: Uint8Array;

  constructor(
    private readonly records: PageRecords,
    private readonly pgid: number,
  ) {
    this.reached = new Uint8Array(pgid);
  }

  /** Hashes and counts into `collector`; `key` bucket rows go to `live`. */
  run(root: number, collector: ContentCollector, live: LiveKeys): void {
    const records = this.records;
    const tops: NestedBucket[] = [];
    this.leaves({ name: Buffer.alloc(0), root, inline: null }, 0, (leaf, pageId) => {
      if (records.countOf(leaf) !== records.bucketsOf(leaf).length) {
        throw new SnapshotFormatError(
          'NotABucket',
          `page ${pageId}: a top-level key is not a bucket`,
          { pageId },
        );
      }
      tops.push(...records.bucketsOf(leaf));
    });
    for (const top of tops) {
      collector.beginBucket(top.name);
      const name = collector.bucketName;
      const nested: NestedBucket[] = [];
      this.leaves(top, 1, (leaf) => {
        collector.hashCombined(records.crcOf(leaf), records.lengthOf(leaf));
        collector.countEntries(records.countOf(leaf));
        if (name === 'key') {
          const first = records.firstRevision(leaf);
          for (let i = 0; i < records.countOf(leaf); i++) live.add(first + i);
        } else if (INFO_BUCKETS.has(name)) {
          for (const [k, v] of records.infoOf(leaf)) collector.infoEntry(k, v);
        }
        nested.push(...records.bucketsOf(leaf));
      });
      for (const child of nested) this.structure(child, 2);
    }
  }

  /** Walks a nested bucket only to check it, as bbolt's Check would. */
  private structure(bucket: NestedBucket, depth: number): void {
    const nested: NestedBucket[] = [];
    this.leaves(bucket, depth, (leaf) => nested.push(...this.records.bucketsOf(leaf)));
    for (const child of nested) this.structure(child, depth + 1);
  }

  private leaves(bucket: NestedBucket, depth: number, visit: LeafVisitor): void {
    if (depth > MAX_TREE_DEPTH)
      throw new SnapshotFormatError(
        'TooDeep',
        `buckets are nested more than ${MAX_TREE_DEPTH} deep`,
      );
    if (bucket.inline) {
      const page = parseTreePage(bucket.inline, 0, bucket.inline.length, 0, null, 0);
      visit(this.records.addLeaf(page), 0);
      return;
    }
    this.page(bucket.root, 'a bucket root', 0, visit);
  }

  private page(id: number, via: string, depth: number, visit: LeafVisitor): void {
    if (depth > MAX_TREE_DEPTH) {
      throw new SnapshotFormatError(
        'TooDeep',
        `page ${id} (${via}) is more than ${MAX_TREE_DEPTH} levels below its bucket root`,
        { pageId: id },
      );
    }
    const record = this.take(id, via);
    if (this.records.isLeaf(record)) return visit(record, id);
    const children = this.records.countOf(record);
    if (children === 0)
      throw new SnapshotFormatError('BadElement', `branch page ${id} has no elements`, {
        pageId: id,
      });
    for (let i = 0; i < children; i++) {
      const child = this.records.child(record, i);
      this.page(child, `element ${i} of branch page ${id}`, depth + 1, visit);
    }
  }

  private take(id: number, via: string): number {
    if (!(id < this.pgid)) {
      throw new SnapshotFormatError(
        'PageOutOfRange',
        `page ${id} (${via}) is beyond the high water mark of ${this.pgid} pages`,
        { pageId: id },
      );
    }
    const record = this.records.find(id);
    if (record < 0)
      throw new SnapshotFormatError(
        'BadPageType',
        `page ${id} (${via}) is not a branch or leaf page`,
        { pageId: id },
      );
    const overflow = this.records.overflowOf(record);
    if (id + overflow >= this.pgid) {
      throw new SnapshotFormatError(
        'PageOutOfRange',
        `page ${id} (${via}) with ${overflow} overflow pages runs past the high water mark`,
        { pageId: id },
      );
    }
    for (let p = id; p <= id + overflow; p++) {
      if (this.reached[p] === 1)
        throw new SnapshotFormatError(
          'Cycle',
          `page ${p} is reached a second time (a cycle or a page with two parents), ${via}`,
          { pageId: p },
        );
      this.reached[p] = 1;
    }
    return record;
  }
}
