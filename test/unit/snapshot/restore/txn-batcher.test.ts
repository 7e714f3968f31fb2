import {
  DEFAULT_TXN_LIMITS,
  REQUEST_OVERHEAD_BYTES,
  txnBudgetBytes,
  txnLimitsProblem,
} from '../../../../src/domain/txn-limits.js';
import type { KeyValue } from '../../../../src/etcd/kv-target.js';
import { putRequestBytes, TxnBatcher } from '../../../../src/snapshot/restore/txn-batcher.js';

const kv = (key: string, valueBytes: number): KeyValue => ({
  key: Buffer.from(key),
  value: Buffer.alloc(valueBytes, 'v'),
});

/** Everything the batcher hands out for `items`, the rest flushed at the end. */
function batchAll(batcher: TxnBatcher, items: readonly KeyValue[]): KeyValue[][] {
  const out: KeyValue[][] = [];
  for (const item of items) {
    const full = batcher.add(item);
    if (full) out.push(full);
  }
  const rest = batcher.flush();
  if (rest) out.push(rest);
  return out;
}

describe('putRequestBytes', () => {
  it.each([
    // request_put{key(3), value(5)}: put = 2+3 + 2+5 = 12; RequestOp = 1+1+12 = 14; success field = 1+1+14 = 16
    ['short key and value', 3, 5, 16],
    // value 200: its length varint takes 2 bytes; put = 2+3 + 3+200 = 208; op = 1+2+208 = 211; field = 1+2+211 = 214
    ['a value whose length needs two varint bytes', 3, 200, 214],
    // empty value still counted: put = 2+3 + 2+0 = 7; op = 9; field = 11
    ['an empty value, counted as if sent', 3, 0, 11],
  ])('%s', (_name, keyBytes, valueBytes, expected) => {
    expect(putRequestBytes(kv('k'.repeat(keyBytes), valueBytes))).toBe(expected);
  });

  it('grows by exactly one byte per value byte between varint boundaries', () => {
    expect(putRequestBytes(kv('/a', 1001)) - putRequestBytes(kv('/a', 1000))).toBe(1);
  });
});

describe('TxnBatcher', () => {
  it('fills batches to maxTxnOps across however many adds it takes', () => {
    const items = Array.from({ length: 300 }, (_, i) => kv(`/k/${i}`, 10));
    const batches = batchAll(new TxnBatcher(DEFAULT_TXN_LIMITS), items);
    expect(batches.map((b) => b.length)).toEqual([128, 128, 44]);
    expect(batches.flat()).toEqual(items);
  });

  it('cuts a batch before it would pass the request budget', () => {
    const limits = { maxTxnOps: 1000, maxRequestBytes: REQUEST_OVERHEAD_BYTES + 10_000 };
    const items = Array.from({ length: 10 }, (_, i) => kv(`/k/${i}`, 3000));
    const batches = batchAll(new TxnBatcher(limits), items);
    for (const b of batches)
      expect(b.reduce((s, x) => s + putRequestBytes(x), 0)).toBeLessThanOrEqual(
        txnBudgetBytes(limits),
      );
    expect(batches.map((b) => b.length)).toEqual([3, 3, 3, 1]);
  });

  it('lets a put that fits the budget exactly travel alone, and one over it too (the caller refuses those)', () => {
    const limits = { maxTxnOps: 128, maxRequestBytes: REQUEST_OVERHEAD_BYTES + 5000 };
    const exact = kv('/exact', 5000 - putRequestBytes(kv('/exact', 0)));
    expect(putRequestBytes(exact)).toBeGreaterThanOrEqual(5000 - 2);
    const batches = batchAll(new TxnBatcher(limits), [kv('/a', 10), exact, kv('/b', 10)]);
    expect(batches.map((b) => b.map((x) => x.key.toString()))).toEqual([
      ['/a'],
      ['/exact'],
      ['/b'],
    ]);
  });

  it('flush returns nothing when nothing is pending', () => {
    expect(new TxnBatcher(DEFAULT_TXN_LIMITS).flush()).toBeUndefined();
  });
});

describe('txnLimitsProblem', () => {
  const names = { maxTxnOps: '--max-txn-ops', maxRequestBytes: '--max-request-bytes' };
  it.each([
    ['the defaults', DEFAULT_TXN_LIMITS, undefined],
    [
      'no ops',
      { maxTxnOps: 0, maxRequestBytes: 1 << 20 },
      '--max-txn-ops must be a whole number >= 1, got 0',
    ],
    [
      'a request too small for any put',
      { maxTxnOps: 128, maxRequestBytes: 4096 },
      '--max-request-bytes must be at least 65536 (64Ki), got 4096',
    ],
  ])('%s', (_name, limits, problem) => {
    expect(txnLimitsProblem(limits, names)).toBe(problem);
  });
});
