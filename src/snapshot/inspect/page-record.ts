// Compact records of branch and leaf pages, made while a snapshot streams by
// (before anyone knows which pages are live or which bucket a leaf is in),
// holding just enough to produce the summary once the tree is resolved.
import { SnapshotFormatError } from '../bbolt/errors.js';
import { BUCKET_HEADER_SIZE, BUCKET_LEAF_FLAG, readU64 } from '../bbolt/layout.js';
import {
  newBranchElement,
  newLeafElement,
  readBranchElement,
  readLeafElement,
  type TreePage,
} from '../bbolt/page.js';
import { crc32cUpdate } from './crc32c.js';
import { decodeKeyValue, newKeyValue } from './key-value.js';
import { decodeRevision, newRevision } from './revision.js';

export interface BranchRecord {
  readonly kind: 'branch';
  readonly children: Float64Array;
}

export interface NestedBucket {
  readonly name: Buffer;
  /** Root page, or 0 with the inline page's bytes. */
  readonly root: number;
  readonly inline: Buffer | null;
}

/** `key` bucket entries of one leaf, in order (main -1: a nested bucket); or why this leaf cannot be one. */
export type Revisions =
  | {
      readonly main: Float64Array;
      readonly tombstone: Uint8Array;
      readonly keys: string[];
      readonly bytes: Float64Array;
    }
  | { readonly error: SnapshotFormatError };

export interface LeafRecord {
  readonly kind: 'leaf';
  readonly entries: number;
  /** CRC-32C and length of the page's keys and values (a nested bucket's key only), in order. */
  readonly crc: number;
  readonly length: number;
  readonly buckets: readonly NestedBucket[];
  readonly revisions: Revisions;
  /** Small entries that may be etcd metadata (meta, cluster, members buckets). */
  readonly info: ReadonlyArray<readonly [string, Buffer]>;
}

export type PageRecord = BranchRecord | LeafRecord;

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

export function recordBranch(page: TreePage): BranchRecord {
  const children = new Float64Array(page.count);
  const el = newBranchElement();
  for (let i = 0; i < page.count; i++) {
    readBranchElement(page, i, el);
    children[i] = el.child;
  }
  return { kind: 'branch', children };
}

export function recordLeaf(page: TreePage): LeafRecord {
  const { buf } = page;
  const e = newLeafElement();
  let crc = 0;
  let length = 0;
  const buckets: NestedBucket[] = [];
  const info: Array<[string, Buffer]> = [];
  for (let i = 0; i < page.count; i++) {
    readLeafElement(page, i, e);
    const isBucket = (e.flags & BUCKET_LEAF_FLAG) !== 0;
    const end = isBucket ? e.keyEnd : e.valueEnd;
    crc = crc32cUpdate(crc, buf, e.keyStart, end);
    length += end - e.keyStart;
    if (isBucket) buckets.push(nestedBucket(page, e.keyStart, e.keyEnd, e.valueStart, e.valueEnd));
    else if (isInfo(buf, e.keyStart, e.keyEnd, e.valueStart, e.valueEnd)) {
      info.push([
        buf.toString('latin1', e.keyStart, e.keyEnd),
        Buffer.from(buf.subarray(e.valueStart, e.valueEnd)),
      ]);
    }
  }
  return {
    kind: 'leaf',
    entries: page.count,
    crc,
    length,
    buckets,
    revisions: recordRevisions(page),
    info,
  };
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
      {
        pageId: page.id,
        offset: page.fileOffset,
      },
    );
  }
  const root = readU64(page.buf, valueStart);
  const inline =
    root === 0 ? Buffer.from(page.buf.subarray(valueStart + BUCKET_HEADER_SIZE, valueEnd)) : null;
  return { name, root, inline };
}

/** Decodes every entry as a `key` bucket record; the first failure is kept, not thrown. */
function recordRevisions(page: TreePage): Revisions {
  const { buf } = page;
  const n = page.count;
  const main = new Float64Array(n);
  const tombstone = new Uint8Array(n);
  const bytes = new Float64Array(n);
  const keys: string[] = new Array<string>(n);
  const e = newLeafElement();
  const rev = newRevision();
  const kv = newKeyValue();
  try {
    for (let i = 0; i < n; i++) {
      readLeafElement(page, i, e);
      if (e.flags & BUCKET_LEAF_FLAG) {
        main[i] = -1; // a nested bucket: hashed, never decoded (as the file walk does)
        continue;
      }
      decodeRevision(buf, e.keyStart, e.keyEnd, rev, page.id);
      decodeKeyValue(buf, e.valueStart, e.valueEnd, kv, page.id);
      main[i] = rev.main;
      tombstone[i] = rev.tombstone ? 1 : 0;
      keys[i] = buf.toString('latin1', kv.keyStart, kv.keyEnd);
      bytes[i] = kv.keyEnd - kv.keyStart + (kv.valueEnd - kv.valueStart);
    }
  } catch (err) {
    if (err instanceof SnapshotFormatError) return { error: err };
    throw err;
  }
  return { main, tombstone, keys, bytes };
}
