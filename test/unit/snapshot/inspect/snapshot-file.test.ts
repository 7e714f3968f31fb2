import { openSnapshot, snapshotLayout } from '../../../../src/snapshot/inspect/snapshot-file.js';
import { buildImage, memoryReader, sealMeta } from '../../../support/fixtures/bbolt-image.js';
import { etcdRoot } from '../../../support/fixtures/etcd-records.js';

describe('snapshotLayout', () => {
  it.each([
    ['whole pages plus the trailer', 3 * 4096 + 32, { dbBytes: 3 * 4096, trailerPresent: true }],
    ['whole pages only', 3 * 4096, { dbBytes: 3 * 4096, trailerPresent: false }],
  ])('accepts %s', (_name, size, expected) => {
    expect(snapshotLayout(size, 4096)).toEqual(expected);
  });

  it.each([3 * 4096 + 31, 3 * 4096 + 1, 3 * 4096 + 4000])(
    'refuses a size of %i bytes as Truncated',
    (size) => {
      expect(() => snapshotLayout(size, 4096)).toThrow(
        expect.objectContaining({ code: 'Truncated' }),
      );
    },
  );
});

/** Edits both meta pages the same way, keeping their checksums valid. */
function bothMetas(bytes: Buffer, edit: (meta: Buffer) => void): Buffer {
  for (const at of [0, 4096]) {
    const meta = bytes.subarray(at, at + 4096);
    edit(meta);
    sealMeta(meta);
  }
  return bytes;
}

describe('openSnapshot', () => {
  it.each([1024, 4096, 16384, 65536])(
    'finds a %i-byte page size from meta page 1 when meta page 0 is broken',
    async (pageSize) => {
      const img = buildImage(etcdRoot([{ key: 'k', value: 'v' }]), { pageSize });
      img.bytes.writeUInt32LE(0, 16);
      const snap = await openSnapshot(memoryReader(img.bytes), img.bytes.length);
      expect(snap.db.pageSize).toBe(pageSize);
      expect(snap.db.meta.pageId).toBe(1);
    },
  );

  it.each<[string, (b: Buffer) => Buffer, string]>([
    ['an empty file', () => Buffer.alloc(0), 'Truncated'],
    ['a file of zeros', () => Buffer.alloc(64 * 1024), 'BadMagic'],
    ['random text', () => Buffer.from('not a database '.repeat(1000)), 'BadMagic'],
    [
      'both metas broken',
      (b) => (b.writeUInt32LE(0, 16), b.writeUInt32LE(0, 4096 + 16), b),
      'BadMagic',
    ],
    ['a trailer cut short', (b) => b.subarray(0, b.length - 1), 'Truncated'],
    ['the last page cut off', (b) => b.subarray(0, b.length - 32 - 4096), 'Truncated'],
    [
      'a page size over 16 MiB',
      (b) => bothMetas(b, (m) => m.writeUInt32LE(1 << 30, 16 + 8)),
      'BadPageSize',
    ],
    [
      'a page size under 512',
      (b) => bothMetas(b, (m) => m.writeUInt32LE(64, 16 + 8)),
      'BadPageSize',
    ],
    [
      'a high water mark past the end',
      (b) => bothMetas(b, (m) => m.writeUInt32LE(99, 16 + 40)),
      'Truncated',
    ],
    [
      'a root page beyond the high water mark',
      (b) => bothMetas(b, (m) => m.writeUInt32LE(50, 16 + 16)),
      'PageOutOfRange',
    ],
  ])('refuses %s', async (_name, mutate, code) => {
    const bytes = mutate(Buffer.from(buildImage(etcdRoot([{ key: 'k', value: 'v' }])).bytes));
    await expect(openSnapshot(memoryReader(bytes), bytes.length)).rejects.toMatchObject({
      code,
      name: 'SnapshotFormatError',
    });
  });
});
