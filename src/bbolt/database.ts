import type { BlockCache } from './block-cache.js';
import { SnapshotFormatError } from './errors.js';
import { KeyOrder, checkBounds, type KeyRef } from './key-order.js';
import { BUCKET_HEADER_SIZE, BUCKET_LEAF_FLAG, readU64 } from './layout.js';
import {
  META_BYTES_NEEDED,
  checkMetaBounds,
  chooseMeta,
  decodeMeta,
  withPageSize,
  type Meta,
  type MetaResult,
} from './meta.js';
import {
  describePage,
  newBranchElement,
  newLeafElement,
  parseTreePage,
  readBranchElement,
  readLeafElement,
  type LeafElement,
  type TreePage,
} from './page.js';
import { PageStore, type Freelist } from './page-store.js';

/** A bucket to walk: a root page, or (root 0) a leaf page stored inline in its parent's value. */
export interface BucketRef {
  readonly root: number;
  readonly inline: TreePage | null;
}

/** Called for each entry of a bucket in key order; `entry` is reused, copy what you keep. */
export type EntryVisitor = (page: TreePage, entry: LeafElement) => void;

export interface TreeStats {
  branchPages: number;
  leafPages: number;
  inlineBuckets: number;
  entries: number;
}

export interface DatabaseOptions {
  /** Largest page (with overflow) read into memory; bigger means corruption. Default 256 MiB. */
  readonly maxPageBytes?: number;
}

/** One in-order walk of a bucket: who sees the entries, and the order check spanning its leaves. */
interface WalkState {
  readonly visit: EntryVisitor;
  readonly order: KeyOrder;
  readonly afterLeaf: (() => Promise<void>) | undefined;
}

/** B+tree depth bound: bbolt trees are tens of levels at most; deeper means a crafted loop. */
export const MAX_TREE_DEPTH = 64;

/**
 * Read-only, in-order walks of a bbolt database. Pages come from a PageStore
 * (range-checked, type-checked, each reached once); keys are checked to be
 * strictly increasing and within the bounds their parent branch sets.
 */
export class BboltDatabase {
  readonly stats: TreeStats = { branchPages: 0, leafPages: 0, inlineBuckets: 0, entries: 0 };
  private readonly store: PageStore;

  private constructor(
    cache: BlockCache,
    readonly pageSize: number,
    readonly meta: Meta,
    readonly metas: readonly [MetaResult, MetaResult],
    options: DatabaseOptions,
  ) {
    this.store = new PageStore(cache, pageSize, meta.pgid, options.maxPageBytes ?? 256 << 20);
  }

  /** Reads both meta pages; `dbBytes` is the database part of the file (no trailer). */
  static async open(
    cache: BlockCache,
    pageSize: number,
    dbBytes: number,
    options: DatabaseOptions = {},
  ): Promise<BboltDatabase> {
    if (dbBytes < 2 * pageSize || dbBytes > cache.length) {
      throw new SnapshotFormatError(
        'Truncated',
        `database of ${dbBytes} bytes cannot hold two ${pageSize}-byte meta pages`,
        { offset: 0 },
      );
    }
    const first = decodeMeta(await cache.read(0, META_BYTES_NEEDED), 0, 0);
    const second = decodeMeta(await cache.read(pageSize, META_BYTES_NEEDED), 0, 1);
    const metas = [withPageSize(first, pageSize), withPageSize(second, pageSize)] as const;
    const meta = chooseMeta(metas[0], metas[1]);
    checkMetaBounds(meta, dbBytes);
    return new BboltDatabase(cache, pageSize, meta, metas, options);
  }

  rootBucket(): BucketRef {
    return { root: this.meta.root, inline: null };
  }

  get overflowPages(): number {
    return this.store.overflowPages;
  }

  isReached(id: number): boolean {
    return this.store.isReached(id);
  }

  /** Pages reached so far by walks (tree pages and their overflow). */
  reachedCount(): number {
    return this.store.reachedCount();
  }

  /** The persisted freelist, or null when bbolt was told not to sync it (etcd's default). */
  async readFreelist(): Promise<Freelist | null> {
    return this.meta.freelist === null ? null : this.store.readFreelist(this.meta.freelist);
  }

  /** The bucket a leaf entry holds, or BadBucket if its value is not a bucket header. */
  bucketFromEntry(page: TreePage, entry: LeafElement): BucketRef {
    const { valueStart, valueEnd } = entry;
    if (valueEnd - valueStart < BUCKET_HEADER_SIZE) {
      throw new SnapshotFormatError(
        'BadBucket',
        `${describePage(page)}: bucket value of ${valueEnd - valueStart} bytes is shorter than a bucket header`,
        { pageId: page.id, offset: page.fileOffset },
      );
    }
    const root = readU64(page.buf, valueStart);
    if (root !== 0) return { root, inline: null };
    this.stats.inlineBuckets++;
    const start = valueStart + BUCKET_HEADER_SIZE;
    const offset = page.fileOffset + (start - page.start);
    // Copied: the bucket may be walked after later reads recycle this page's cache block.
    const bytes = Buffer.from(page.buf.subarray(start, valueEnd));
    return { root: 0, inline: parseTreePage(bytes, 0, bytes.length, page.id, null, offset) };
  }

  /** Visits every entry of `bucket` in key order, checking order and structure. */
  /**
   * `afterLeaf`, when given, is awaited after each leaf page: a consumer can
   * flush what the visitor collected (e.g. write a batch) before the walk
   * reads on, so memory stays bounded by a page's worth of entries.
   */
  async forEach(
    bucket: BucketRef,
    visit: EntryVisitor,
    afterLeaf?: () => Promise<void>,
  ): Promise<void> {
    const state: WalkState = { visit, order: new KeyOrder(), afterLeaf };
    if (bucket.inline) this.visitLeaf(bucket.inline, state, null, null);
    else await this.walk(bucket.root, 'a bucket root', state, 0, null, null);
    await afterLeaf?.();
  }

  /** Walks a bucket and every bucket nested in it, for structure only. */
  async walkNested(bucket: BucketRef, depth: number): Promise<void> {
    if (depth > MAX_TREE_DEPTH) {
      throw new SnapshotFormatError(
        'TooDeep',
        `buckets are nested more than ${MAX_TREE_DEPTH} deep`,
        { pageId: bucket.root },
      );
    }
    const nested: BucketRef[] = [];
    await this.forEach(bucket, (page, entry) => {
      if (entry.flags & BUCKET_LEAF_FLAG) nested.push(this.bucketFromEntry(page, entry));
    });
    for (const child of nested) await this.walkNested(child, depth + 1);
  }

  private async walk(
    id: number,
    via: string,
    state: WalkState,
    depth: number,
    low: KeyRef | null,
    high: KeyRef | null,
  ): Promise<void> {
    if (depth > MAX_TREE_DEPTH) {
      throw new SnapshotFormatError(
        'TooDeep',
        `page ${id} (${via}) is more than ${MAX_TREE_DEPTH} levels below its bucket root`,
        { pageId: id },
      );
    }
    const page = await this.store.loadTreePage(id, via);
    if (page.isLeaf) {
      this.visitLeaf(page, state, low, high);
      return state.afterLeaf?.();
    }

    this.stats.branchPages++;
    if (page.count === 0) {
      throw new SnapshotFormatError('BadElement', `branch page ${id} has no elements`, {
        pageId: id,
        offset: page.fileOffset,
      });
    }
    await this.walkBranch(page, state, depth, low, high);
  }

  /** Child i holds keys in [key i, key i+1); the last child inherits the parent's upper bound. */
  private async walkBranch(
    page: TreePage,
    state: WalkState,
    depth: number,
    low: KeyRef | null,
    high: KeyRef | null,
  ): Promise<void> {
    const el = newBranchElement();
    readBranchElement(page, 0, el);
    let key: KeyRef = { buf: page.buf, start: el.keyStart, end: el.keyEnd };
    checkBounds(page, 0, key, low, high);
    for (let i = 0; i < page.count; i++) {
      const child = el.child;
      let next: KeyRef | null = high;
      if (i + 1 < page.count) {
        readBranchElement(page, i + 1, el);
        next = { buf: page.buf, start: el.keyStart, end: el.keyEnd };
        checkBounds(page, i + 1, next, key, high);
      }
      const via = `element ${i} of branch page ${page.id}`;
      await this.walk(child, via, state, depth + 1, key, next);
      if (next) key = next;
    }
  }

  private visitLeaf(
    page: TreePage,
    state: WalkState,
    low: KeyRef | null,
    high: KeyRef | null,
  ): void {
    const { visit, order } = state;
    if (!page.inline) this.stats.leafPages++;
    const entry = newLeafElement();
    const last = page.count - 1;
    for (let i = 0; i <= last; i++) {
      readLeafElement(page, i, entry);
      order.next(page, i, entry.keyStart, entry.keyEnd);
      if ((i === 0 && low) || (i === last && high)) {
        const key = { buf: page.buf, start: entry.keyStart, end: entry.keyEnd };
        checkBounds(page, i, key, low, high);
      }
      visit(page, entry);
    }
    order.endPage();
    this.stats.entries += page.count;
  }
}
