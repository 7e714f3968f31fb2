import {
  newBranchElement,
  newLeafElement,
  parseTreePage,
  readBranchElement,
  readLeafElement,
} from '../../../src/bbolt/page.js';
import { decodeFreelist } from '../../../src/bbolt/freelist.js';
import { branchPage, leafPage } from '../../support/fixtures/bbolt-image.js';

function withId(body: Buffer, id: number, size = 4096): Buffer {
  const page = Buffer.alloc(Math.max(size, body.length));
  body.copy(page);
  page.writeBigUInt64LE(BigInt(id), 0);
  return page;
}

const leaf = withId(
  leafPage([
    [Buffer.from('a'), Buffer.from('1'), 0],
    [Buffer.from('bb'), Buffer.from('22'), 1],
  ]),
  7,
);

describe('leaf pages', () => {
  it('yields each element as absolute offsets', () => {
    const page = parseTreePage(leaf, 0, leaf.length, 7, 7, 7 * 4096);
    expect(page).toMatchObject({ isLeaf: true, count: 2, inline: false });
    const e = newLeafElement();
    readLeafElement(page, 1, e);
    expect(e.flags).toBe(1);
    expect(leaf.toString('latin1', e.keyStart, e.keyEnd)).toBe('bb');
    expect(leaf.toString('latin1', e.valueStart, e.valueEnd)).toBe('22');
  });

  const broken = (mutate: (p: Buffer) => void) => {
    const copy = Buffer.from(leaf);
    mutate(copy);
    return copy;
  };
  it.each<[string, Buffer, string]>([
    ['a freelist page', broken((p) => p.writeUInt16LE(0x10, 8)), 'BadPageType'],
    ['a meta page', broken((p) => p.writeUInt16LE(0x04, 8)), 'BadPageType'],
    ['unknown flags', broken((p) => p.writeUInt16LE(0x03, 8)), 'BadPageType'],
    ['another id', broken((p) => p.writeUInt32LE(8, 0)), 'PageIdMismatch'],
    ['too many elements', broken((p) => p.writeUInt16LE(300, 10)), 'BadElement'],
  ])('rejects %s', (_name, page, code) => {
    expect(() => parseTreePage(page, 0, page.length, 7, 7, 0)).toThrow(
      expect.objectContaining({ code, pageId: 7 }),
    );
  });

  it.each([
    ['key size', 16 + 16 + 8],
    ['value size', 16 + 16 + 12],
    ['position', 16 + 16 + 4],
  ])('rejects an element whose %s runs off the page', (_name, at) => {
    const copy = Buffer.from(leaf);
    copy.writeUInt32LE(0xfffffff0, at);
    const page = parseTreePage(copy, 0, copy.length, 7, 7, 0);
    expect(() => readLeafElement(page, 1, newLeafElement())).toThrow(
      expect.objectContaining({ code: 'BadElement', message: expect.stringContaining('page 7') }),
    );
  });

  it('accepts only leaves inline, and never checks an inline page id', () => {
    const inline = leafPage([[Buffer.from('k'), Buffer.from('v'), 0]]);
    expect(parseTreePage(inline, 0, inline.length, 3, null, 0).inline).toBe(true);
    const branch = branchPage([[Buffer.from('k'), 9]]);
    expect(() => parseTreePage(branch, 0, branch.length, 3, null, 0)).toThrow(
      expect.objectContaining({ code: 'BadPageType' }),
    );
  });

  it('rejects an inline page shorter than a header', () => {
    expect(() => parseTreePage(Buffer.alloc(10), 0, 10, 3, null, 0)).toThrow(
      expect.objectContaining({ code: 'Truncated' }),
    );
  });
});

describe('branch pages', () => {
  const branch = withId(
    branchPage([
      [Buffer.from('a'), 4],
      [Buffer.from('m'), 5],
    ]),
    9,
  );

  it('yields keys and child ids', () => {
    const page = parseTreePage(branch, 0, branch.length, 9, 9, 0);
    const e = newBranchElement();
    readBranchElement(page, 1, e);
    expect(branch.toString('latin1', e.keyStart, e.keyEnd)).toBe('m');
    expect(e.child).toBe(5);
  });

  it('rejects a key that runs off the page', () => {
    const copy = Buffer.from(branch);
    copy.writeUInt32LE(5000, 16 + 16 + 4);
    const page = parseTreePage(copy, 0, copy.length, 9, 9, 0);
    expect(() => readBranchElement(page, 1, newBranchElement())).toThrow(
      expect.objectContaining({ code: 'BadElement' }),
    );
  });
});

describe('decodeFreelist', () => {
  function freelist(ids: number[], declared = ids.length, overflowCount = false): Buffer {
    const slots = ids.length + (overflowCount ? 1 : 0);
    const page = Buffer.alloc(Math.max(4096, 16 + slots * 8));
    page.writeBigUInt64LE(2n, 0);
    page.writeUInt16LE(0x10, 8);
    page.writeUInt16LE(overflowCount ? 0xffff : declared, 10);
    if (overflowCount) page.writeBigUInt64LE(BigInt(declared), 16);
    ids.forEach((id, i) =>
      page.writeBigUInt64LE(BigInt(id), 16 + (i + (overflowCount ? 1 : 0)) * 8),
    );
    return page;
  }

  it('lists the ids of a small freelist', () => {
    const page = freelist([5, 3, 9]);
    expect([...decodeFreelist(page, 0, page.length, 2, 0)]).toEqual([5, 3, 9]);
  });

  it('reads the real count from the first slot when the 16-bit count is 0xFFFF', () => {
    const ids = Array.from({ length: 70_000 }, (_, i) => i + 10);
    const page = freelist(ids, ids.length, true);
    const decoded = decodeFreelist(page, 0, page.length, 2, 0);
    expect(decoded.length).toBe(70_000);
    expect(decoded[0]).toBe(10);
    expect(decoded[69_999]).toBe(70_009);
  });

  it.each<[string, Buffer, string]>([
    ['a count larger than the page', freelist([1], 1000), 'BadFreelist'],
    ['an overflowed count larger than the page', freelist([1], 10_000_000, true), 'BadFreelist'],
    ['a leaf page', leaf, 'BadPageType'],
  ])('rejects %s', (_name, page, code) => {
    expect(() => decodeFreelist(page, 0, 4096, 2, 8192)).toThrow(expect.objectContaining({ code }));
  });
});
