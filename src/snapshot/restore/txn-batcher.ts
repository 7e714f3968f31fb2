import type { KeyValue } from '../../etcd/kv-target.js';
import { txnBudgetBytes, type TxnLimits } from '../../domain/txn-limits.js';

const varintBytes = (n: number): number => {
  let bytes = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    bytes++;
  }
  return bytes;
};

/** A length-delimited protobuf field of `length` bytes: tag, length, payload. */
const field = (length: number): number => 1 + varintBytes(length) + length;

/** The encoded bytes one put adds to a TxnRequest: success { request_put { key, value } }. */
export function putRequestBytes(kv: KeyValue): number {
  // An empty value may be left out on the wire; counting it is the safe side.
  const put = field(kv.key.length) + field(kv.value.length);
  return field(field(put));
}

/**
 * Fills transactions as full as the limits allow, across however many
 * source pages that takes: `add` returns a batch when adding would overflow
 * the current one. A single put larger than the budget is the caller's to
 * refuse beforehand (`putRequestBytes` > `txnBudgetBytes`); here it travels
 * alone and etcd answers "request is too large".
 */
export class TxnBatcher {
  private batch: KeyValue[] = [];
  private bytes = 0;
  private readonly budget: number;

  constructor(private readonly limits: TxnLimits) {
    this.budget = txnBudgetBytes(limits);
  }

  add(kv: KeyValue): KeyValue[] | undefined {
    const size = putRequestBytes(kv);
    let full: KeyValue[] | undefined;
    if (
      this.batch.length > 0 &&
      (this.batch.length >= this.limits.maxTxnOps || this.bytes + size > this.budget)
    )
      full = this.take();
    this.batch.push(kv);
    this.bytes += size;
    return full;
  }

  /** What is left, or undefined when nothing is. */
  flush(): KeyValue[] | undefined {
    return this.batch.length > 0 ? this.take() : undefined;
  }

  private take(): KeyValue[] {
    const full = this.batch;
    this.batch = [];
    this.bytes = 0;
    return full;
  }
}
