import { open, type FileHandle } from 'node:fs/promises';
import { BUCKET_LEAF_FLAG } from '../../bbolt/layout.js';
import type { KeyValue } from '../../etcd/kv-target.js';
import { putRequestBytes } from './txn-batcher.js';
import { openSnapshot, type OpenedSnapshot } from '../inspect/snapshot-file.js';
import { decodeKeyValue, newKeyValue } from '../inspect/key-value.js';
import { decodeRevision, newRevision } from '../inspect/revision.js';
import type { BucketRef } from '../../bbolt/database.js';

const KEY_BUCKET = 'key';
/** How many of the puts over the limit a refusal names. */
const OVERSIZED_SHOWN = 5;

/** A put that would not fit one transaction: the key (UTF-8, for messages) and its encoded bytes. */
export interface OversizedPut {
  readonly key: string;
  readonly bytes: number;
}

/** What a first pass over the snapshot found under a prefix, before anything is written. */
export interface KeyPlan {
  /** Live keys (latest revision not a deletion): what a restore writes. */
  readonly keys: number;
  /** The largest live puts over the size asked about, largest first (a few). */
  readonly oversized: readonly OversizedPut[];
  /** Hands the latest live values to `sink` a leaf page at a time, awaiting each. */
  emit(sink: (batch: readonly KeyValue[]) => Promise<void>): Promise<void>;
}

/** The latest live value of every key in a snapshot under a prefix (tombstoned keys excluded). */
export interface SnapshotKeySource {
  /** Reads which revision of each key is its latest; reports puts over `maxPutBytes`. */
  plan(prefix: Buffer, maxPutBytes: number): Promise<KeyPlan>;
}

async function keyBucket(snapshot: OpenedSnapshot): Promise<BucketRef | undefined> {
  let found: BucketRef | undefined;
  await snapshot.db.forEach(snapshot.db.rootBucket(), (page, entry) => {
    const name = page.buf.toString('latin1', entry.keyStart, entry.keyEnd);
    if (name === KEY_BUCKET && entry.flags & BUCKET_LEAF_FLAG)
      found = snapshot.db.bucketFromEntry(page, entry);
  });
  return found;
}

/** One walk of the `key` bucket: a database instance reaches each page once (cycle protection). */
async function openKeyBucket(handle: FileHandle, size: number) {
  const snapshot = await openSnapshot(handle, size);
  return { db: snapshot.db, bucket: await keyBucket(snapshot) };
}

const startsWith = (buf: Buffer, prefix: Buffer): boolean =>
  buf.length >= prefix.length && buf.subarray(0, prefix.length).equals(prefix);

/**
 * The latest live value of every key in a verified snapshot file, read from
 * etcd's `key` bucket in two walks. The `key` bucket is ordered by revision,
 * not by key, so the first walk keeps, per key, the index of its latest entry
 * (negative when that entry is a deletion), and nothing of the values; the
 * second emits the values of those entries a leaf page at a time, so values
 * never pile up in memory.
 */
export function snapshotFileKeys(file: string): SnapshotKeySource {
  return {
    async plan(prefix, maxPutBytes) {
      const { latest, large } = await withFile(file, (handle, size) =>
        findLatest(handle, size, prefix, maxPutBytes),
      );
      let keys = 0;
      for (const at of latest.values()) if (at >= 0) keys++;
      const oversized = [...large.entries()]
        .filter(([at, put]) => latest.get(put.id) === at)
        .map(([, { key, bytes }]) => ({ key, bytes }))
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, OVERSIZED_SHOWN);
      return {
        keys,
        oversized,
        emit: (sink) =>
          keys === 0
            ? Promise.resolve()
            : withFile(file, (handle, size) => emitLatest(handle, size, prefix, latest, sink)),
      };
    },
  };
}

async function withFile<T>(
  file: string,
  use: (handle: FileHandle, size: number) => Promise<T>,
): Promise<T> {
  const handle = await open(file, 'r');
  try {
    return await use(handle, (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

/** Per key (latin1), the index of its latest entry, negative for a deletion; and the large puts by index. */
async function findLatest(handle: FileHandle, size: number, prefix: Buffer, maxPutBytes: number) {
  const latest = new Map<string, number>();
  const large = new Map<number, OversizedPut & { id: string }>();
  const first = await openKeyBucket(handle, size);
  if (!first.bucket) return { latest, large };
  const rev = newRevision();
  const kv = newKeyValue();
  let index = 0;
  await first.db.forEach(first.bucket, (page, entry) => {
    decodeKeyValue(page.buf, entry.valueStart, entry.valueEnd, kv, page.id);
    const key = page.buf.subarray(kv.keyStart, kv.keyEnd);
    if (!startsWith(key, prefix)) return;
    decodeRevision(page.buf, entry.keyStart, entry.keyEnd, rev, page.id);
    const at = index++;
    const id = key.toString('latin1');
    latest.set(id, rev.tombstone ? -1 - at : at);
    if (rev.tombstone) return;
    const bytes = putRequestBytes({ key, value: page.buf.subarray(kv.valueStart, kv.valueEnd) });
    if (bytes > maxPutBytes) large.set(at, { id, key: key.toString('utf8'), bytes });
  });
  return { latest, large };
}

async function emitLatest(
  handle: FileHandle,
  size: number,
  prefix: Buffer,
  latest: ReadonlyMap<string, number>,
  sink: (batch: readonly KeyValue[]) => Promise<void>,
): Promise<void> {
  const second = await openKeyBucket(handle, size);
  const kv = newKeyValue();
  let pending: KeyValue[] = [];
  let index = 0;
  await second.db.forEach(
    second.bucket!,
    (page, entry) => {
      decodeKeyValue(page.buf, entry.valueStart, entry.valueEnd, kv, page.id);
      const key = page.buf.subarray(kv.keyStart, kv.keyEnd);
      if (!startsWith(key, prefix)) return;
      // A deletion's index is stored negative, so it never matches here.
      if (latest.get(key.toString('latin1')) !== index++) return;
      pending.push({
        key: Buffer.from(key),
        value: Buffer.from(page.buf.subarray(kv.valueStart, kv.valueEnd)),
      });
    },
    async () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      await sink(batch);
    },
  );
}
