import { batches, type EtcdKeyValueTarget, type KeyValue } from '../../etcd/kv-target.js';
import { ProjectError } from '../../api/errors.js';

/** The latest live value of every key in a snapshot under a prefix (tombstoned keys excluded). */
export interface SnapshotKeySource {
  /** Hands the values to `sink` a batch at a time, waiting for each before reading on. */
  latest(prefix: Buffer, sink: (batch: readonly KeyValue[]) => Promise<void>): Promise<void>;
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
export class RefusedError extends ProjectError {
  override readonly name = 'RefusedError';
  readonly code = 'TargetNotEmpty';
  readonly category = 'refused';
  override get reason(): string {
    return 'TargetNotEmpty';
  }
}

/**
 * Replaces the range under `prefix` in a live etcd with the snapshot's latest
 * values: refuse a non-empty range without consent, clear it, then write in
 * batched transactions (at most 128 ops / 1 MiB each, within etcd's limits).
 * The caller verifies the snapshot first: a corrupt snapshot never gets here.
 * Leases are not restored (their IDs belong to the old cluster).
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
  const tally = { keys: 0, bytes: 0, transactions: 0 };
  if (!options.dryRun && existingKeys > 0) await target.deleteRange(prefix);
  await options.source.latest(prefix, async (batch) => {
    for (const kv of batch) tally.bytes += kv.value.length;
    tally.keys += batch.length;
    if (options.dryRun) return;
    for (const txn of batches(batch)) {
      await target.putBatch(txn);
      tally.transactions++;
    }
    options.onProgress?.(tally.keys);
  });
  return {
    endpoint: target.endpoint,
    prefix: prefix.toString('utf8'),
    existingKeys,
    existingSample,
    keys: tally.keys,
    bytes: tally.bytes,
    transactions: tally.transactions,
    dryRun: options.dryRun,
  };
}
