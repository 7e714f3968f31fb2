// Compact records of branch and leaf pages, made while a snapshot streams by
// (before anyone knows which pages are live or which bucket a leaf is in),
// holding just enough to produce the summary once the tree is resolved.
// Records are rows in columns of numbers (about 25 bytes a page, plus 4 per
// page id); the rare leaves holding buckets or etcd metadata keep those
// entries on the side, and every leaf's entries go to RevisionColumns.
import { SnapshotFormatError } from '../../bbolt/errors.js';
import { BUCKET_HEADER_SIZE, BUCKET_LEAF_FLAG, readU64 } from '../../bbolt/layout.js';
import {
  newBranchElement,
  newLeafElement,
  readBranchElement,
  readLeafElement,
  type TreePage,
} from '../../bbolt/page.js';
import { f64, i32, u8 } from './columns.js';
import { crc32cUpdate } from './crc32c.js';
import { KeyClasses } from './key-classes.js';
import { RevisionColumns, type KeyHasher } from './revision-columns.js';

export interface NestedBucket {
  readonly name: Buffer;
  /** Root page, or 0 with the inline page's bytes. */
  readonly root: number;
  readonly inline: Buffer | null;
}

export type InfoEntry = readonly [string, Buffer];

const BRANCH = 1;
const LEAF = 2;
const NONE: readonly never[] = [];

/** Keys of the meta and cluster buckets worth keeping; member records are JSON objects. */
const INFO_KEYS = new Set([
  'consistent_index',
  'term',
  'scheduledCompactRev',
  'finishedCompactRev',
  'storageVersion',
  'clusterVersion',
]);
const MAX_INFO_VALUE = 4096;

/** What a leaf holds besides its entries' rows. */
interface LeafScan {
  crc: number;
  length: number;
  buckets: NestedBucket[] | null;
  info: Array<[string, Buffer]> | null;
}

export class PageRecords {
  readonly classes: KeyClasses;
  readonly revisions: RevisionColumns;
  /** Record + 1 by page id; 0 for none. */
  private readonly byPage = i32();
  private readonly bad = new Map<number, SnapshotFormatError>();
  private readonly kind = u8();
  private readonly overflow = i32();
  /** Branch: children; leaf: entries. */
  private readonly count = i32();
  /** Branch: first child in `children`; leaf: first row in `revisions`. */
  private readonly first = i32();
  /** Leaf: CRC-32C and length of its keys and values (a nested bucket's key only), in order. */
  private readonly crc = i32();
  private readonly length = f64();
  private readonly children = f64();
  private readonly buckets = new Map<number, NestedBucket[]>();
  private readonly info = new Map<number, Array<[string, Buffer]>>();
  private readonly revisionErrors = new Map<number, SnapshotFormatError>();

  /** `contentHash` false skips the CRC-32C of keys and values (etcdutl's hash): summary.hash is then 0. */
  constructor(
    registryPrefix: string,
    hasher?: KeyHasher,
    private readonly contentHash = true,
  ) {
    this.classes = new KeyClasses(registryPrefix);
    this.revisions = new RevisionColumns(this.classes, hasher);
  }

  /** A page as it streams by; throws SnapshotFormatError for a leaf whose elements are unusable. */
  addPage(page: TreePage, overflow: number): void {
    const r = page.isLeaf ? this.addLeaf(page) : this.addBranch(page);
    this.overflow.set(r, overflow);
    this.byPage.extend(page.id + 1);
    this.byPage.set(page.id, r + 1);
    this.bad.delete(page.id);
  }

  addBadPage(id: number, error: SnapshotFormatError): void {
    if (id < this.byPage.length) this.byPage.set(id, 0);
    this.bad.set(id, error);
  }

  /** A record of page `id`, or -1 when none; throws what made the page unusable. */
  find(id: number): number {
    const error = this.bad.get(id);
    if (error) throw error;
    return id < this.byPage.length ? this.byPage.get(id) - 1 : -1;
  }

  /** A leaf not addressed by page id (an inline bucket's page). */
  addLeaf(page: TreePage): number {
    const scan = scanLeaf(page, this.contentHash);
    const first = this.revisions.length;
    const error = this.revisions.appendLeaf(page);
    const r = this.push(LEAF, page.count, first, scan.crc, scan.length);
    if (error) this.revisionErrors.set(r, error);
    if (scan.buckets) this.buckets.set(r, scan.buckets);
    if (scan.info) this.info.set(r, scan.info);
    return r;
  }

  isLeaf(r: number): boolean {
    return this.kind.get(r) === LEAF;
  }

  overflowOf(r: number): number {
    return this.overflow.get(r);
  }

  /** Leaf entries, or branch children. */
  countOf(r: number): number {
    return this.count.get(r);
  }

  child(r: number, i: number): number {
    return this.children.get(this.first.get(r) + i);
  }

  crcOf(r: number): number {
    return this.crc.get(r) >>> 0;
  }

  lengthOf(r: number): number {
    return this.length.get(r);
  }

  bucketsOf(r: number): readonly NestedBucket[] {
    return this.buckets.get(r) ?? NONE;
  }

  infoOf(r: number): readonly InfoEntry[] {
    return this.info.get(r) ?? NONE;
  }

  /** The leaf's first row in `revisions` (one per entry); throws when they are no `key` records. */
  firstRevision(r: number): number {
    const error = this.revisionErrors.get(r);
    if (error) throw error;
    return this.first.get(r);
  }

  /** Bytes held by the columns (not the few side entries). */
  get byteLength(): number {
    const columns = [this.byPage, this.kind, this.overflow, this.count, this.first, this.crc];
    const own = [...columns, this.length, this.children].reduce((n, c) => n + c.byteLength, 0);
    return own + this.revisions.byteLength;
  }

  private addBranch(page: TreePage): number {
    const first = this.children.length;
    const el = newBranchElement();
    try {
      for (let i = 0; i < page.count; i++) {
        readBranchElement(page, i, el);
        this.children.push(el.child);
      }
    } catch (err) {
      this.children.truncate(first);
      throw err;
    }
    return this.push(BRANCH, page.count, first, 0, 0);
  }

  private push(kind: number, count: number, first: number, crc: number, length: number): number {
    this.kind.push(kind);
    this.overflow.push(0);
    this.count.push(count);
    this.first.push(first);
    this.crc.push(crc);
    return this.length.push(length);
  }
}

const scratch = newLeafElement();

function scanLeaf(page: TreePage, contentHash: boolean): LeafScan {
  const { buf } = page;
  const e = scratch;
  const scan: LeafScan = { crc: 0, length: 0, buckets: null, info: null };
  for (let i = 0; i < page.count; i++) {
    readLeafElement(page, i, e);
    const isBucket = (e.flags & BUCKET_LEAF_FLAG) !== 0;
    const end = isBucket ? e.keyEnd : e.valueEnd;
    if (contentHash) scan.crc = crc32cUpdate(scan.crc, buf, e.keyStart, end);
    scan.length += end - e.keyStart;
    if (isBucket) {
      const bucket = nestedBucket(page, e.keyStart, e.keyEnd, e.valueStart, e.valueEnd);
      (scan.buckets ??= []).push(bucket);
    } else if (isInfo(buf, e.keyStart, e.keyEnd, e.valueStart, e.valueEnd)) {
      const value = Buffer.from(buf.subarray(e.valueStart, e.valueEnd));
      (scan.info ??= []).push([buf.toString('latin1', e.keyStart, e.keyEnd), value]);
    }
  }
  return scan;
}

function isInfo(
  buf: Buffer,
  keyStart: number,
  keyEnd: number,
  valueStart: number,
  valueEnd: number,
): boolean {
  if (keyEnd - keyStart > 32 || valueEnd - valueStart > MAX_INFO_VALUE) return false;
  return INFO_KEYS.has(buf.toString('latin1', keyStart, keyEnd)) || buf[valueStart] === 0x7b; // '{'
}

function nestedBucket(
  page: TreePage,
  keyStart: number,
  keyEnd: number,
  valueStart: number,
  valueEnd: number,
): NestedBucket {
  const name = Buffer.from(page.buf.subarray(keyStart, keyEnd));
  if (valueEnd - valueStart < BUCKET_HEADER_SIZE) {
    throw new SnapshotFormatError(
      'BadBucket',
      `page ${page.id}: bucket value of ${valueEnd - valueStart} bytes is shorter than a bucket header`,
      { pageId: page.id, offset: page.fileOffset },
    );
  }
  const root = readU64(page.buf, valueStart);
  const inline =
    root === 0 ? Buffer.from(page.buf.subarray(valueStart + BUCKET_HEADER_SIZE, valueEnd)) : null;
  return { name, root, inline };
}
