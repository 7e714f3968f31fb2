import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspectSnapshot } from '../../src/snapshot/inspect/inspect.js';
import { createSnapshotScanner } from '../../src/snapshot/inspect/scanner.js';
import { verifySnapshot } from '../../src/snapshot/inspect/verify.js';
import { memoryReader } from '../support/fixtures/bbolt-image.js';
import { fuzz } from '../support/fixtures/fuzz-runner.js';
import { makeRealSnapshot, type RealSnapshot } from '../support/fixtures/real-snapshot.js';

describe('corrupted real etcd snapshots', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'inspect-fuzz-'));
  let real: RealSnapshot;
  let image: Buffer;

  beforeAll(async () => {
    real = await makeRealSnapshot('etcd-3.6', dir, 150);
    image = readFileSync(real.file);
  }, 300_000);

  afterAll(async () => {
    await real?.etcd.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('either read or fail with SnapshotFormatError, quickly, for 400 seeded mutations', async () => {
    const result = await fuzz(image, 4096, 400, [
      (b) => inspectSnapshot(memoryReader(b), b.length, { checkDigest: false }),
      (b) => verifySnapshot(memoryReader(b), b.length),
      async (b) => {
        const scanner = createSnapshotScanner({ checkDigest: false });
        for (let i = 0; i < b.length; i += 32 * 1024) scanner.write(b.subarray(i, i + 32 * 1024));
        return scanner.finish();
      },
    ]);
    expect(result.failures).toEqual([]);
    expect(result.slowestMs).toBeLessThan(2000);
    expect(result.outcomes.size).toBeGreaterThanOrEqual(8);
  }, 120_000);
});
