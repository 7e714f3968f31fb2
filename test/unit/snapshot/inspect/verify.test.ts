import { verifySnapshot, type VerifyOptions } from '../../../../src/snapshot/inspect/verify.js';
import { inspectSnapshot } from '../../../../src/snapshot/inspect/inspect.js';
import {
  buildImage,
  flipByte,
  memoryReader,
  type Image,
  type ImageOptions,
} from '../../../support/fixtures/bbolt-image.js';
import { etcdRoot, type Put } from '../../../support/fixtures/etcd-records.js';

const ops: Put[] = Array.from({ length: 60 }, (_, i) => ({
  key: `/registry/configmaps/ns${i % 4}/c${i}`,
  value: 'v'.repeat(i * 50),
}));
const root = etcdRoot(ops, { perLeaf: 4, perBranch: 3 });

async function verify(img: Image | Buffer, options: VerifyOptions = {}) {
  const bytes = Buffer.isBuffer(img) ? img : img.bytes;
  return verifySnapshot(memoryReader(bytes), bytes.length, options);
}

describe('verifySnapshot', () => {
  it('accounts for every page of a healthy snapshot', async () => {
    const img = buildImage(root, { stalePages: 3 });
    const report = await verify(img);
    expect(report).toMatchObject({
      pages: img.pgid,
      trailer: { present: true, valid: true },
      totalKey: 60,
      revision: 61,
      branchPages: img.pages.branch.length,
      freePages: null,
      unreachablePages: 3,
    });
    expect(report.reachablePages).toBe(img.pgid - 2 - 3);
    expect(report.leafPages + report.branchPages + report.overflowPages).toBe(
      report.reachablePages,
    );
  });

  it('checks a persisted freelist that lists every unreachable page', async () => {
    const base = buildImage(root, { stalePages: 2 });
    const stale = [base.pgid - 2, base.pgid - 1];
    const report = await verify(buildImage(root, { stalePages: 2, freePages: stale }));
    expect(report).toMatchObject({ freePages: 2, unreachablePages: 0 });
  });

  it('fails on a digest mismatch even when the structure is sound', async () => {
    const img = buildImage(root, { stalePages: 1 });
    flipByte(img.bytes, (img.pgid - 1) * img.pageSize + 100, 0xff); // inside the stale page
    await expect(verify(img)).rejects.toMatchObject({ code: 'DigestMismatch' });
  });

  it('requires the trailer unless told otherwise', async () => {
    const img = buildImage(root, { trailer: false });
    await expect(verify(img)).rejects.toMatchObject({ code: 'NoTrailer' });
    expect((await verify(img, { requireTrailer: false })).trailer).toEqual({
      present: false,
      sha256: null,
      valid: null,
    });
  });

  it('fails on an invalid meta page that inspect tolerates', async () => {
    const img = buildImage(root, { trailer: false });
    flipByte(img.bytes, 16 + 40); // meta 0's pgid: its checksum no longer matches
    await expect(inspectSnapshot(memoryReader(img.bytes), img.bytes.length)).resolves.toMatchObject(
      { totalKey: 60 },
    );
    await expect(verify(img, { requireTrailer: false })).rejects.toMatchObject({
      code: 'BadMetaChecksum',
      pageId: 0,
    });
  });

  const stalePair = (img: ImageOptions & { pgid: number }) => [img.pgid - 2, img.pgid - 1];
  it.each<[string, (base: Image) => number[], string]>([
    [
      'a reachable page listed free',
      (base) => [...stalePair(base), base.rootPage],
      'FreelistOverlap',
    ],
    ['the freelist page listed free', (base) => [...stalePair(base), base.pgid], 'FreelistOverlap'],
    [
      'a page beyond the high water mark',
      (base) => [...stalePair(base), base.pgid + 50],
      'BadFreelist',
    ],
    ['a page listed twice', (base) => [...stalePair(base), base.pgid - 1], 'BadFreelist'],
    ['a meta page listed free', (base) => [...stalePair(base), 1], 'BadFreelist'],
    ['an unreachable page left out', (base) => [base.pgid - 2], 'UnreachablePage'],
  ])('refuses a freelist with %s', async (_name, free, code) => {
    const base = buildImage(root, { stalePages: 2 });
    await expect(
      verify(buildImage(root, { stalePages: 2, freePages: free(base) })),
    ).rejects.toMatchObject({ code });
  });

  it('reads a freelist whose count overflows 16 bits', async () => {
    const options = { pageSize: 512, stalePages: 70_000 };
    const base = buildImage({ entries: [['key', { entries: [] }]] }, options);
    const free = Array.from({ length: 70_000 }, (_, i) => base.pgid - 70_000 + i);
    const report = await verify(
      buildImage({ entries: [['key', { entries: [] }]] }, { ...options, freePages: free }),
    );
    expect(report).toMatchObject({ freePages: 70_000, unreachablePages: 0 });
  });
});
