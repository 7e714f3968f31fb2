import { SnapshotFormatError } from '../../../src/bbolt/errors.js';
import {
  assemble,
  branchPage,
  buildImage,
  leafPage,
  type BucketSpec,
  type Image,
} from '../../support/fixtures/bbolt-image.js';
import { dump, many, openImage as open } from '../../support/fixtures/bbolt-walk.js';

const tree: BucketSpec = { entries: [['huge', { entries: [['blob', 'x'.repeat(20_000)]] }]] };
/** A corruption: edits the image, then walking it must fail with `code`. */
interface Case {
  readonly name: string;
  readonly code: string;
  readonly spec?: BucketSpec;
  /** Edits in place; may return a replacement image. */
  readonly edit: (img: Image, page: (id: number) => Buffer) => unknown;
  readonly maxPageBytes?: number;
}

const bigTree: BucketSpec = { entries: [['b', { entries: many(12), perLeaf: 2, perBranch: 2 }]] };
const rootBranch = (img: Image) => img.pages.branch[img.pages.branch.length - 1]!;
const childAt = (i: number) => 16 + i * 16 + 8;

const cases: Case[] = [
  {
    name: 'a branch that points at itself',
    code: 'Cycle',
    edit: (img, page) =>
      page(rootBranch(img)).writeBigUInt64LE(BigInt(rootBranch(img)), childAt(0)),
  },
  {
    name: 'two branch elements with the same child',
    code: 'Cycle',
    edit: (img, page) =>
      page(rootBranch(img)).writeBigUInt64LE(
        page(rootBranch(img)).readBigUInt64LE(childAt(0)),
        childAt(1),
      ),
  },
  {
    name: 'a child that is a meta page',
    code: 'BadPageType',
    edit: (img, page) => page(rootBranch(img)).writeBigUInt64LE(0n, childAt(0)),
  },
  {
    name: 'a child beyond the high water mark',
    code: 'PageOutOfRange',
    edit: (img, page) => page(rootBranch(img)).writeBigUInt64LE(BigInt(img.pgid + 5), childAt(1)),
  },
  {
    name: 'a child id of 2^64-1',
    code: 'PageOutOfRange',
    edit: (img, page) => page(rootBranch(img)).writeBigUInt64LE(0xffffffffffffffffn, childAt(1)),
  },
  {
    name: 'a leaf naming another id',
    code: 'PageIdMismatch',
    edit: (img, page) => page(img.pages.leaf[0]!).writeUInt32LE(1234, 0),
  },
  {
    name: 'a leaf key running off the page',
    code: 'BadElement',
    edit: (img, page) => page(img.pages.leaf[0]!).writeUInt32LE(1 << 30, 16 + 8),
  },
  {
    name: 'a leaf count beyond the page',
    code: 'BadElement',
    edit: (img, page) => page(img.pages.leaf[0]!).writeUInt16LE(0xfff0, 10),
  },
  {
    name: 'an overflow past the end',
    code: 'PageOutOfRange',
    edit: (img, page) => page(img.pages.leaf[0]!).writeUInt32LE(0xffffffff, 12),
  },
  {
    name: 'a zeroed branch page',
    code: 'BadPageType',
    edit: (img, page) => void page(rootBranch(img)).fill(0),
  },
  {
    name: 'a branch with no elements',
    code: 'BadElement',
    edit: (img, page) => page(rootBranch(img)).writeUInt16LE(0, 10),
  },
  {
    name: 'branch keys out of order',
    code: 'KeyOrder',
    edit: (img, page) => {
      const p = page(rootBranch(img));
      const pos = 16 + 16 + p.readUInt32LE(16 + 16); // key of element 1
      p[pos] = 0x00;
    },
  },
  {
    name: 'leaf keys out of order',
    code: 'KeyOrder',
    spec: {
      entries: [
        [
          'b',
          {
            entries: [
              ['b', '1'],
              ['a', '2'],
            ],
            keepOrder: true,
          },
        ],
      ],
    },
    edit: () => undefined,
  },
  {
    name: 'duplicate keys',
    code: 'KeyOrder',
    spec: {
      entries: [
        [
          'b',
          {
            entries: [
              ['a', '1'],
              ['a', '2'],
            ],
            keepOrder: true,
          },
        ],
      ],
    },
    edit: () => undefined,
  },
  {
    name: 'a page over the size limit',
    code: 'PageTooLarge',
    spec: tree,
    maxPageBytes: 8192,
    edit: () => undefined,
  },
  {
    name: 'a bucket value shorter than a bucket header',
    code: 'BadBucket',
    spec: { entries: [['b', { entries: [['x', { entries: [], inline: true }]] }]] },
    edit: (img, page) => {
      // The 'b' leaf holds the inline bucket 'x'; shrink its value to 8 bytes.
      page(img.pages.leaf[0]!).writeUInt32LE(8, 16 + 12);
    },
  },
  {
    name: 'an inline bucket page that is a branch',
    code: 'BadPageType',
    spec: { entries: [['b', { entries: [['x', { entries: [['k', 'v']], inline: true }]] }]] },
    edit: (img, page) => {
      const p = page(img.pages.leaf[0]!);
      const valueAt = 16 + p.readUInt32LE(16 + 4) + p.readUInt32LE(16 + 8);
      p.writeUInt16LE(0x01, valueAt + 16 + 8);
    },
  },
];

describe('BboltDatabase refuses corrupt trees', () => {
  it.each(cases)('$name → $code', async ({ spec, edit, code, maxPageBytes }) => {
    const img = buildImage(spec ?? bigTree);
    const page = (id: number) => img.bytes.subarray(id * img.pageSize, (id + 1) * img.pageSize);
    const edited = edit(img, page);
    const bytes = Buffer.isBuffer(edited) ? edited : img.bytes;
    const db = await open(bytes, img.pageSize, maxPageBytes);
    const err = await dump(db).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SnapshotFormatError);
    expect(err).toMatchObject({ code });
    expect((err as Error).message).toMatch(/page/);
  });

  it('stops a chain of branch pages deeper than any real tree as TooDeep', async () => {
    const pages = new Map<number, Buffer>();
    const depth = 80;
    for (let i = 0; i < depth; i++) pages.set(2 + i, branchPage([[Buffer.from('k'), 3 + i]]));
    pages.set(2 + depth, leafPage([[Buffer.from('k'), Buffer.from('v'), 0]]));
    const root = leafPage([[Buffer.from('b'), Buffer.concat([u64(2), u64(0)]), 1]]);
    pages.set(3 + depth, root);
    const db = await open(assemble({ pageSize: 4096, pages, root: 3 + depth }));
    await expect(dump(db)).rejects.toMatchObject({ code: 'TooDeep' });
  });

  it('reports a file cut inside a page as Truncated', async () => {
    const img = buildImage(bigTree, { trailer: false });
    await expect(open(img.bytes.subarray(0, img.bytes.length - 4096))).rejects.toMatchObject({
      code: 'Truncated',
    });
  });
});

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}
