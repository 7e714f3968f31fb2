import type { CompactionReport, EtcdKeyValueTarget } from '../../etcd/kv-target.js';
import {
  DEFAULT_TXN_LIMITS,
  REQUEST_OVERHEAD_BYTES,
  txnBudgetBytes,
  type TxnLimits,
} from '../../domain/txn-limits.js';
import { TxnBatcher } from './txn-batcher.js';
import { ProjectError } from '../../api/errors.js';
import type { KeyPlan, SnapshotKeySource } from './snapshot-keys.js';
import { TxnPipeline } from './txn-pipeline.js';

/** Transactions in flight at once unless told otherwise (docs/benchmarks.md: the knee on 2 cores). */
export const DEFAULT_TXNS_IN_FLIGHT = 4;

export interface LogicalRestoreProgress {
  readonly keys: number;
  /** Live keys under the prefix: what the restore writes in all. */
  readonly totalKeys: number;
  readonly bytes: number;
  readonly transactions: number;
}

export interface LogicalRestoreOptions {
  readonly source: SnapshotKeySource;
  readonly target: EtcdKeyValueTarget;
  /** Only keys starting with this are cleared and written; empty = the whole keyspace. */
  readonly prefix: Buffer;
  /** Consent to clear a non-empty range. */
  readonly force: boolean;
  readonly dryRun: boolean;
  /**
   * Settles once the snapshot's digest is checked (started by the caller, so
   * it overlaps the first walk); nothing is changed before it resolves. The
   * walk checks the structure of every page it reads, before any change too.
   */
  readonly verified?: Promise<void>;
  /** The target's --max-txn-ops and --max-request-bytes (default: etcd's defaults). */
  readonly limits?: TxnLimits;
  /** Write transactions in flight at once (default DEFAULT_TXNS_IN_FLIGHT). */
  readonly inFlight?: number;
  /**
   * After clearing the range and before writing: compact the target to its
   * current revision and defragment it, so a reset loop does not grow it.
   * Drops the target's whole history (docs/restore.md).
   */
  readonly compact?: boolean;
  /** After each written transaction. */
  readonly onProgress?: (progress: LogicalRestoreProgress) => void;
  /** When the range is cleared and compaction starts (only with `compact`). */
  readonly onCompacting?: () => void;
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
  /** Set when the target was compacted and defragmented. */
  readonly compaction?: CompactionReport;
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

/** A value that no transaction under the target's limits can carry: refused before any change. */
export class ValueTooLargeError extends ProjectError {
  override readonly name = 'ValueTooLargeError';
  readonly code = 'ValueTooLarge';
  readonly category = 'refused';
  override get reason(): string {
    return 'ValueTooLarge';
  }
}

function tooLarge(plan: KeyPlan, limits: TxnLimits, endpoint: string): ValueTooLargeError {
  const [largest] = plan.oversized;
  const more = plan.oversized.length > 1 ? ` (and ${plan.oversized.length - 1} more)` : '';
  return new ValueTooLargeError(
    `key "${largest!.key}"${more} needs a ${largest!.bytes}-byte request, over the ${limits.maxRequestBytes}-byte limit (maxRequestBytes, less ${REQUEST_OVERHEAD_BYTES} for the request header) of ${endpoint}; nothing was changed. Start the target etcd with a larger --max-request-bytes and pass the same value as --max-request-bytes (spec.logical.maxRequestBytes), or leave the key out with --prefix`,
  );
}

/**
 * Replaces the range under `prefix` in a live etcd with the snapshot's latest
 * values: refuse a non-empty range without consent and any value the
 * target's limits cannot carry, then clear the range, optionally compact and
 * defragment, and write transactions filled up to the limits, a few in
 * flight. Nothing changes before the digest (`verified`) and every page the
 * restore reads have been checked. Leases are not restored (their IDs belong
 * to the old cluster).
 */
export async function restoreLogical(
  options: LogicalRestoreOptions,
): Promise<LogicalRestoreReport> {
  const { target, prefix } = options;
  const limits = options.limits ?? DEFAULT_TXN_LIMITS;
  const existingKeys = await target.countRange(prefix);
  const existingSample =
    existingKeys > 0 ? (await target.listKeys(prefix, 10)).map((k) => k.toString('utf8')) : [];
  if (existingKeys > 0 && !options.force && !options.dryRun) {
    const shown = prefix.length ? `"${prefix.toString('utf8')}"` : 'the whole keyspace';
    throw new RefusedError(
      `${target.endpoint} already has ${existingKeys} key(s) under ${shown}; nothing was changed. Re-run with --force (overwrite: true) to replace them`,
    );
  }
  const [plan] = await Promise.all([
    options.source.plan(prefix, txnBudgetBytes(limits)),
    options.verified,
  ]);
  if (plan.oversized.length > 0) throw tooLarge(plan, limits, target.endpoint);
  const base = {
    endpoint: target.endpoint,
    prefix: prefix.toString('utf8'),
    existingKeys,
    existingSample,
  };
  if (options.dryRun) {
    let bytes = 0;
    await plan.emit(async (batch) => {
      for (const kv of batch) bytes += kv.value.length;
    });
    return { ...base, keys: plan.keys, bytes, transactions: 0, dryRun: true };
  }
  if (existingKeys > 0) await target.deleteRange(prefix);
  let compaction: CompactionReport | undefined;
  if (options.compact) {
    options.onCompacting?.();
    compaction = await target.compactAndDefragment();
  }
  const tally = await writeAll(plan, limits, options);
  return { ...base, ...tally, dryRun: false, ...(compaction ? { compaction } : {}) };
}

/** Every planned value, in transactions filled to `limits`, a bounded number in flight. */
async function writeAll(
  plan: KeyPlan,
  limits: TxnLimits,
  options: LogicalRestoreOptions,
): Promise<LogicalRestoreProgress> {
  const tally = { keys: 0, totalKeys: plan.keys, bytes: 0, transactions: 0 };
  const pipeline = new TxnPipeline(
    (batch) => options.target.putBatch(batch),
    options.inFlight ?? DEFAULT_TXNS_IN_FLIGHT,
    (batch) => {
      tally.transactions++;
      tally.keys += batch.length;
      for (const kv of batch) tally.bytes += kv.value.length;
      options.onProgress?.({ ...tally });
    },
  );
  const batcher = new TxnBatcher(limits);
  try {
    await plan.emit(async (page) => {
      for (const kv of page) {
        const full = batcher.add(kv);
        if (full) await pipeline.submit(full);
      }
    });
    const rest = batcher.flush();
    if (rest) await pipeline.submit(rest);
  } finally {
    // Nothing stays in flight once this returns or throws; a write failure wins.
    await pipeline.drain();
  }
  return tally;
}
