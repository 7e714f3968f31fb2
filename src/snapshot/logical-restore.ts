import { batches, type EtcdKeyValueTarget, type KeyValue } from '../etcd/kv-target.js';

/** The latest live value of every key in a snapshot under a prefix (tombstoned keys excluded). */
export interface SnapshotKeySource {
  latest(prefix: Buffer): AsyncIterable<KeyValue>;
}

export interface LogicalRestoreOptions {
  readonly source: SnapshotKeySource;
  readonly target: EtcdKeyValueTarget;
  /** Only keys starting with this are cleared and written; empty = the whole keyspace. */
  readonly prefix: Buffer;
  /** Consent to clear a non-empty range. */
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly onProgress?: (written: number) => void;
}

export interface LogicalRestoreReport {
  readonly endpoint: string;
  readonly prefix: string;
  /** Keys under the prefix before the restore (deleted, or that would be). */
  readonly existingKeys: number;
  /** A few existing keys, for dry-run output. */
  readonly existingSample: readonly string[];
  /** Keys written (or that would be) and their value bytes. */
  readonly keys: number;
  readonly bytes: number;
  readonly transactions: number;
  readonly dryRun: boolean;
}

/** A non-empty target and no consent: nothing was changed. */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
}

async function* counted(
  source: AsyncIterable<KeyValue>,
  tally: { keys: number; bytes: number },
): AsyncGenerator<KeyValue> {
  for await (const kv of source) {
    tally.keys++;
    tally.bytes += kv.value.length;
    yield kv;
  }
}

/**
 * Replaces the range under `prefix` in a live etcd with the snapshot's latest
 * values: refuse a non-empty range without consent, clear it, then write in
 * batched transactions. The caller verifies the snapshot first: a corrupt
 * snapshot must never reach this point.
 */
export async function restoreLogical(
  options: LogicalRestoreOptions,
): Promise<LogicalRestoreReport> {
  const { target, prefix } = options;
  const existingKeys = await target.countRange(prefix);
  const existingSample =
    existingKeys > 0 ? (await target.listKeys(prefix, 10)).map((k) => k.toString('utf8')) : [];
  const shown = prefix.length ? `"${prefix.toString('utf8')}"` : 'the whole keyspace';
  if (existingKeys > 0 && !options.force && !options.dryRun) {
    throw new RefusedError(
      `${target.endpoint} already has ${existingKeys} key(s) under ${shown}; nothing was changed. Re-run with --force (overwrite: true) to replace them`,
    );
  }
  const tally = { keys: 0, bytes: 0 };
  let transactions = 0;
  if (options.dryRun) {
    for await (const _ of counted(options.source.latest(prefix), tally));
  } else {
    if (existingKeys > 0) await target.deleteRange(prefix);
    for await (const batch of asyncBatches(counted(options.source.latest(prefix), tally))) {
      await target.putBatch(batch);
      transactions++;
      options.onProgress?.(tally.keys);
    }
  }
  return {
    endpoint: target.endpoint,
    prefix: prefix.toString('utf8'),
    existingKeys,
    existingSample,
    keys: tally.keys,
    bytes: tally.bytes,
    transactions,
    dryRun: options.dryRun,
  };
}

async function* asyncBatches(items: AsyncIterable<KeyValue>): AsyncGenerator<KeyValue[]> {
  let pending: KeyValue[] = [];
  for await (const item of items) {
    pending.push(item);
    if (pending.length >= 512) {
      yield* batches(pending);
      pending = [];
    }
  }
  yield* batches(pending);
}
