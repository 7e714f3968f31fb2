import { BlockBuilder } from '../../../src/etcd/blocks.js';

/** Feeds `data` in pieces of the given sizes (cycled); returns the blocks. */
function gather(data: Buffer, blockSize: number, pieces: number[]): Buffer[] {
  const builder = new BlockBuilder(blockSize);
  const blocks: Buffer[] = [];
  for (let at = 0, n = 0; at < data.length; n++) {
    const size = pieces[n % pieces.length]!;
    builder.add(data.subarray(at, at + size), (b) => blocks.push(b));
    at += size;
  }
  builder.end((b) => blocks.push(b));
  return blocks;
}

describe('BlockBuilder', () => {
  const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7) % 256));

  it.each([
    ['pieces smaller than a block', [300]],
    ['pieces larger than a block', [2_500]],
    ['exactly one block each', [1_024]],
    ['single bytes', [1]],
  ])('with %s: full blocks, then the rest, every byte in order', (_label, pieces) => {
    const blocks = gather(data, 1_024, pieces);
    expect(Buffer.concat(blocks).equals(data)).toBe(true);
    expect(blocks.slice(0, -1).every((b) => b.length === 1_024)).toBe(true);
    expect(blocks.at(-1)!.length).toBe(10_000 % 1_024);
  });

  it('emits no empty block when the data ends on a block boundary', () => {
    const blocks = gather(data.subarray(0, 2_048), 1_024, [100]);
    expect(blocks.map((b) => b.length)).toEqual([1_024, 1_024]);
  });

  it('hands out blocks that later input does not overwrite', () => {
    const builder = new BlockBuilder(4);
    const blocks: Buffer[] = [];
    builder.add(Buffer.from('abcd'), (b) => blocks.push(b));
    builder.add(Buffer.from('efgh'), (b) => blocks.push(b));
    builder.end((b) => blocks.push(b));
    expect(blocks.map((b) => b.toString())).toEqual(['abcd', 'efgh']);
  });
});
