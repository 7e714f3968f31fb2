import type { KeyValue } from '../../../../src/etcd/kv-target.js';
import { TxnPipeline } from '../../../../src/snapshot/restore/txn-pipeline.js';

/** A write port whose transactions finish only when the test says so. */
function controlledWrites() {
  const pending: Array<{ batch: readonly KeyValue[]; finish(err?: Error): void }> = [];
  let peak = 0;
  const write = (batch: readonly KeyValue[]) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ batch, finish: (err) => (err ? reject(err) : resolve()) });
      peak = Math.max(peak, pending.length);
    });
  const finishOldest = async (err?: Error) => {
    pending.shift()!.finish(err);
    await new Promise((r) => setImmediate(r));
  };
  return { write, pending, finishOldest, peak: () => peak };
}

const batch = (n: number): KeyValue[] => [{ key: Buffer.from(`/k${n}`), value: Buffer.from('v') }];

it('keeps at most `depth` transactions in flight; submit waits for room', async () => {
  const w = controlledWrites();
  const written: string[] = [];
  const p = new TxnPipeline(w.write, 2, (b) => written.push(b[0]!.key.toString()));
  await p.submit(batch(1));
  await p.submit(batch(2));
  let third = false;
  const submitting = p.submit(batch(3)).then(() => (third = true));
  await new Promise((r) => setImmediate(r));
  expect({ inFlight: w.pending.length, third }).toEqual({ inFlight: 2, third: false });
  await w.finishOldest();
  await submitting;
  expect(third).toBe(true);
  while (w.pending.length) await w.finishOldest();
  await p.drain();
  expect(written).toEqual(['/k1', '/k2', '/k3']);
  expect(w.peak()).toBe(2);
});

it('after a failure, refuses new submissions and drain throws the first error once the rest settled', async () => {
  const w = controlledWrites();
  const p = new TxnPipeline(w.write, 3, () => {});
  await p.submit(batch(1));
  await p.submit(batch(2));
  await w.finishOldest(new Error('request is too large'));
  await expect(p.submit(batch(3))).rejects.toThrow('request is too large');
  let drained = false;
  const draining = p.drain().catch((err: Error) => {
    drained = true;
    return err;
  });
  await new Promise((r) => setImmediate(r));
  expect(drained).toBe(false); // the second transaction is still in flight
  await w.finishOldest(new Error('later failure'));
  expect(((await draining) as Error).message).toBe('request is too large');
});

it('a failure releases a submit that was waiting for room', async () => {
  const w = controlledWrites();
  const p = new TxnPipeline(w.write, 1, () => {});
  await p.submit(batch(1));
  const waiting = p.submit(batch(2)).then(
    () => 'submitted',
    (err: Error) => err.message,
  );
  await w.finishOldest(new Error('etcd unreachable'));
  expect(await waiting).toBe('etcd unreachable');
  expect(w.pending).toHaveLength(0);
});

it('refuses a depth below 1', () => {
  expect(
    () =>
      new TxnPipeline(
        async () => {},
        0,
        () => {},
      ),
  ).toThrow(RangeError);
});
