import { buildImage, type BucketSpec } from '../../support/fixtures/bbolt-image.js';
import { dump, many, openImage as open } from '../../support/fixtures/bbolt-walk.js';

const tree: BucketSpec = {
  entries: [
    ['big', { entries: many(40), perLeaf: 3, perBranch: 3 }],
    ['huge', { entries: [['blob', 'x'.repeat(20_000)]] }],
    [
      'nest',
      { entries: [['inner', { entries: [['deep', { entries: [['z', '1']], inline: true }]] }]] },
    ],
    [
      'small',
      {
        entries: [
          ['b', '2'],
          ['a', '1'],
        ],
        inline: true,
      },
    ],
  ],
};

describe('BboltDatabase walks', () => {
  it('visits root, nested, inline, branch and overflow pages in key order', async () => {
    const img = buildImage(tree);
    const db = await open(img.bytes);
    const lines = await dump(db);
    expect(lines.slice(0, 4)).toEqual(['big/', 'huge/', 'nest/', 'small/']);
    expect(lines.filter((l) => l.startsWith('big/k'))).toEqual(
      many(40).map(([k, v]) => `big/${k}=${v}`),
    );
    expect(lines).toContain(`huge/blob=${'x'.repeat(20_000)}`);
    expect(lines).toEqual(
      expect.arrayContaining(['nest/inner/', 'nest/inner/deep/', 'nest/inner/deep/z=1']),
    );
    expect(lines.filter((l) => l.startsWith('small/') && l !== 'small/')).toEqual([
      'small/a=1',
      'small/b=2',
    ]);
    expect(db.stats.branchPages).toBe(img.pages.branch.length);
    expect(db.overflowPages).toBeGreaterThanOrEqual(4);
    expect(db.reachedCount()).toBe(img.pgid - 2);
  });

  it('reads a persisted freelist and a database of another page size', async () => {
    const img = buildImage(tree, { pageSize: 1024, stalePages: 3, freePages: [] });
    const db = await open(img.bytes, 1024);
    expect((await dump(db)).length).toBeGreaterThan(40);
    expect(await db.readFreelist()).toMatchObject({ pageId: img.pages.freelist, overflow: 0 });
  });

  it('picks meta page 1 when it has the higher txid', async () => {
    const img = buildImage(tree);
    img.bytes.writeUInt32LE(0, 16); // break meta 0's magic
    const db = await open(img.bytes);
    expect(db.meta.pageId).toBe(1);
    expect(db.metas[0].ok).toBe(false);
  });
});
