import { inspectSnapshot } from '../../../../src/snapshot/inspect/inspect.js';
import { verifySnapshot } from '../../../../src/snapshot/inspect/verify.js';
import { buildImage, memoryReader } from '../../../support/fixtures/bbolt-image.js';
import { etcdRoot, type Put } from '../../../support/fixtures/etcd-records.js';
import { fuzz } from '../../../support/fixtures/fuzz-runner.js';

// The hand-built image has every page kind (branch levels, overflow, inline
// buckets, a persisted freelist) at a small size, so hundreds of cases run fast.
const ops: Put[] = Array.from({ length: 150 }, (_, i) => ({
  key: `/registry/pods/ns${i % 3}/p${i % 100}`,
  value: i % 40 === 0 ? 'x'.repeat(6000) : `v${i}`,
}));
const base = buildImage(etcdRoot(ops, { perLeaf: 5, perBranch: 3 }), {
  pageSize: 1024,
  stalePages: 2,
});
const image = buildImage(etcdRoot(ops, { perLeaf: 5, perBranch: 3 }), {
  pageSize: 1024,
  stalePages: 2,
  freePages: [base.pgid - 2, base.pgid - 1],
});

describe('corrupted hand-built snapshots', () => {
  it('either read or fail with SnapshotFormatError, quickly, for 600 seeded mutations', async () => {
    const result = await fuzz(image.bytes, image.pageSize, 600, [
      (b) => inspectSnapshot(memoryReader(b), b.length),
      (b) => verifySnapshot(memoryReader(b), b.length),
    ]);
    expect(result.failures).toEqual([]);
    expect(result.slowestMs).toBeLessThan(1000);
    // The mutations reach deep: many distinct failure kinds, and some survivable ones.
    expect(result.outcomes.size).toBeGreaterThanOrEqual(10);
    expect(result.outcomes.get('ok')).toBeGreaterThan(0);
  }, 60_000);
});
