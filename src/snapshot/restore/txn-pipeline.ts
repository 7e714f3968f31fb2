import type { KeyValue } from '../../etcd/kv-target.js';

/**
 * Keeps up to `depth` write transactions in flight: etcd commits concurrent
 * proposals in one raft batch and one fsync, so a few in flight write many
 * times faster than one awaited after another. `submit` waits for room,
 * which is the backpressure that keeps memory at `depth` transactions. The
 * first failure stops new submissions; `drain` waits for the rest and throws it.
 */
export class TxnPipeline {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly write: (batch: readonly KeyValue[]) => Promise<void>,
    private readonly depth: number,
    private readonly onWritten: (batch: readonly KeyValue[]) => void,
  ) {
    if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`depth ${depth} is not >= 1`);
  }

  async submit(batch: readonly KeyValue[]): Promise<void> {
    while (this.inFlight.size >= this.depth && !this.failure) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure.error;
    const txn: Promise<void> = this.write(batch)
      .then(
        () => this.onWritten(batch),
        (error: unknown) => {
          this.failure ??= { error };
        },
      )
      .finally(() => this.inFlight.delete(txn));
    this.inFlight.add(txn);
  }

  /** Waits for every transaction in flight; throws the first failure, if any. */
  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure.error;
  }
}
