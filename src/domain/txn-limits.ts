import { DEFAULTS } from '../api/v1alpha1/constants.js';

/**
 * The two server limits a write transaction must respect: etcd's
 * `--max-txn-ops` (default 128) and `--max-request-bytes` (default 1.5 MiB),
 * which etcd checks against the whole raft request.
 */
export interface TxnLimits {
  readonly maxTxnOps: number;
  readonly maxRequestBytes: number;
}

export const DEFAULT_TXN_LIMITS: TxnLimits = {
  maxTxnOps: DEFAULTS.maxTxnOps,
  maxRequestBytes: DEFAULTS.maxRequestBytes,
};

/** Below this, the header's reserve leaves too little room for any put. */
export const MIN_REQUEST_BYTES = 64 * 1024;

/** What is wrong with limits a user gave, naming the setting; undefined when they are fine. */
export function txnLimitsProblem(
  limits: TxnLimits,
  names: Record<keyof TxnLimits, string>,
): string | undefined {
  if (!Number.isInteger(limits.maxTxnOps) || limits.maxTxnOps < 1)
    return `${names.maxTxnOps} must be a whole number >= 1, got ${limits.maxTxnOps}`;
  if (!Number.isInteger(limits.maxRequestBytes) || limits.maxRequestBytes < MIN_REQUEST_BYTES)
    return `${names.maxRequestBytes} must be at least ${MIN_REQUEST_BYTES} (64Ki), got ${limits.maxRequestBytes}`;
  return undefined;
}

/**
 * What the raft request adds around the transaction's operations: its header
 * (request id, user name, auth revision) and field tags. 4 KiB leaves room
 * for a user name far longer than any seen.
 */
export const REQUEST_OVERHEAD_BYTES = 4096;

/** The bytes of operations one transaction may carry under `limits`. */
export function txnBudgetBytes(limits: TxnLimits): number {
  return limits.maxRequestBytes - REQUEST_OVERHEAD_BYTES;
}
