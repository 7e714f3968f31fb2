import { open } from 'node:fs/promises';
import { BUCKET_LEAF_FLAG } from '../../bbolt/layout.js';
import type { KeyValue } from '../../etcd/kv-target.js';
import { openSnapshot, type OpenedSnapshot } from '../inspect/snapshot-file.js';
import { decodeKeyValue, newKeyValue } from '../inspect/key-value.js';
import { decodeRevision, newRevision } from '../inspect/revision.js';
import type { SnapshotKeySource } from './logical-restore.js';
import type { BucketRef } from '../../bbolt/database.js';

const KEY_BUCKET = 'key';

async function keyBucket(snapshot: OpenedSnapshot): Promise<BucketRef | undefined> {
  let found: BucketRef | undefined;
  await snapshot.db.forEach(snapshot.db.rootBucket(), (page, entry) => {
    const name = page.buf.toString('latin1', entry.keyStart, entry.keyEnd);
    if (name === KEY_BUCKET && entry.flags & BUCKET_LEAF_FLAG)
      found = snapshot.db.bucketFromEntry(page, entry);
  });
  return found;
}

/**
 * The latest live value of every key in a verified snapshot file, read from
 * etcd's `key` bucket in two walks: the first finds each key's latest
 * revision (a Map of keys, no values), the second emits those revisions'
 * values a leaf page at a time, so values never pile up in memory.
 */
export function snapshotFileKeys(file: string): SnapshotKeySource {
  return {
    async latest(prefix, sink) {
      const handle = await open(file, 'r');
      try {
        const size = (await handle.stat()).size;
        // A database instance reaches each page once (cycle protection): one per walk.
        const walk = async () => {
          const snapshot = await openSnapshot(handle, size);
          return { db: snapshot.db, bucket: await keyBucket(snapshot) };
        };
        const first = await walk();
        if (!first.bucket) return;
        const rev = newRevision();
        const kv = newKeyValue();
        const underPrefix = (buf: Buffer): boolean =>
          buf.length >= prefix.length && buf.subarray(0, prefix.length).equals(prefix);
        // Entries are in revision order: the last index seen for a key is its latest revision.
        const latest = new Map<string, number>();
        let index = 0;
        await first.db.forEach(first.bucket, (page, entry) => {
          decodeKeyValue(page.buf, entry.valueStart, entry.valueEnd, kv, page.id);
          const key = page.buf.subarray(kv.keyStart, kv.keyEnd);
          if (underPrefix(key)) latest.set(key.toString('latin1'), index++);
        });
        let pending: KeyValue[] = [];
        index = 0;
        const second = await walk();
        await second.db.forEach(
          second.bucket!,
          (page, entry) => {
            decodeKeyValue(page.buf, entry.valueStart, entry.valueEnd, kv, page.id);
            const key = page.buf.subarray(kv.keyStart, kv.keyEnd);
            if (!underPrefix(key)) return;
            const isLatest = latest.get(key.toString('latin1')) === index++;
            decodeRevision(page.buf, entry.keyStart, entry.keyEnd, rev, page.id);
            if (!isLatest || rev.tombstone) return;
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
      } finally {
        await handle.close();
      }
    },
  };
}
