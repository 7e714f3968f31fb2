/** One key and its latest value, as logical restore writes it. */
export interface KeyValue {
  readonly key: Buffer;
  readonly value: Buffer;
}

/** The writes logical restore needs from a live etcd. */
export interface EtcdKeyValueTarget {
  readonly endpoint: string;
  /** Number of keys under `prefix` (empty prefix: the whole keyspace). */
  countRange(prefix: Buffer): Promise<number>;
  /** Up to `limit` keys under `prefix`, for dry-run reports. */
  listKeys(prefix: Buffer, limit: number): Promise<Buffer[]>;
  /** Deletes every key under `prefix`; returns how many went. */
  deleteRange(prefix: Buffer): Promise<number>;
  /** Writes the batch in one transaction (all or nothing). */
  putBatch(batch: readonly KeyValue[]): Promise<void>;
  close(): Promise<void>;
}

/** etcd's range_end for "every key starting with prefix" (the empty prefix means all keys). */
export function prefixRangeEnd(prefix: Buffer): Buffer {
  if (prefix.length === 0) return Buffer.from([0]);
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  // All 0xff: no upper bound, i.e. to the end of the keyspace.
  return Buffer.from([0]);
}

/** Splits writes into transactions etcd accepts: at most `maxOps` ops and about `maxBytes` each. */
export function* batches(
  items: Iterable<KeyValue>,
  maxOps = 128,
  maxBytes = 1 << 20,
): Generator<KeyValue[]> {
  let batch: KeyValue[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = item.key.length + item.value.length;
    if (batch.length > 0 && (batch.length >= maxOps || bytes + size > maxBytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
