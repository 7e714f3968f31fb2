/** One key and its latest value, as logical restore writes it. */
export interface KeyValue {
  readonly key: Buffer;
  readonly value: Buffer;
}

/** What compacting and defragmenting a target did. */
export interface CompactionReport {
  /** The revision the keyspace was compacted to (its history before it is gone). */
  readonly revision: number;
  /** Each endpoint defragmented, its database size before and after. */
  readonly members: ReadonlyArray<{ endpoint: string; dbSizeBefore: number; dbSizeAfter: number }>;
  /** Members of the cluster that were not among the endpoints, so not defragmented. */
  readonly notDefragmented: readonly string[];
  /** A NOSPACE alarm that was raised and has been disarmed. */
  readonly disarmedNoSpace: boolean;
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
  /**
   * Compacts the whole keyspace to its current revision, defragments every
   * endpoint (one member at a time) and disarms a NOSPACE alarm: what frees
   * the space deleted and overwritten keys keep. Drops the target's history.
   */
  compactAndDefragment(): Promise<CompactionReport>;
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
