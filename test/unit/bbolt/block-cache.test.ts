import { BlockCache, readFully } from '../../../src/bbolt/block-cache.js';
import { memoryReader } from '../../support/fixtures/bbolt-image.js';

function data(size: number): Buffer {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 31) & 0xff;
  return buf;
}

/** Counts the reads that reach the underlying reader. */
function counting(bytes: Buffer) {
  const inner = memoryReader(bytes);
  const calls: Array<[number, number]> = [];
  return {
    calls,
    read: (b: Buffer, o: number, l: number, p: number) => {
      calls.push([p, l]);
      return inner.read(b, o, l, p);
    },
  };
}

describe('BlockCache', () => {
  const bytes = data(10_000);

  it.each([
    ['inside one block', 100, 50],
    ['at the start of a block', 1024, 1024],
    ['across two blocks', 1000, 100],
    ['across many blocks', 10, 5000],
    ['the last bytes of a short final block', 9990, 10],
  ])('returns the right bytes %s', async (_name, offset, length) => {
    const cache = new BlockCache(memoryReader(bytes), bytes.length, { blockSize: 1024 });
    expect(await cache.read(offset, length)).toEqual(bytes.subarray(offset, offset + length));
  });

  it('serves repeated reads of a block from memory and peeks without waiting', async () => {
    const reader = counting(bytes);
    const cache = new BlockCache(reader, bytes.length, { blockSize: 1024, maxBlocks: 4 });
    expect(cache.peek(10, 10)).toBeUndefined();
    await cache.read(10, 10);
    const before = reader.calls.length;
    expect(cache.peek(20, 10)).toEqual(bytes.subarray(20, 30));
    expect(await cache.read(500, 10)).toEqual(bytes.subarray(500, 510));
    expect(reader.calls.length).toBe(before);
  });

  it('reads ahead of sequential misses and stays within its block budget', async () => {
    const reader = counting(bytes);
    const cache = new BlockCache(reader, bytes.length, { blockSize: 1024, maxBlocks: 4 });
    for (let at = 0; at + 16 <= bytes.length; at += 512) {
      expect(await cache.read(at, 16)).toEqual(bytes.subarray(at, at + 16));
    }
    const blockReads = reader.calls.filter(([, l]) => l === 1024);
    expect(new Set(blockReads.map(([p]) => p)).size).toBe(blockReads.length);
  });

  it('keeps returning correct bytes when blocks are recycled', async () => {
    const cache = new BlockCache(memoryReader(bytes), bytes.length, {
      blockSize: 1024,
      maxBlocks: 4,
    });
    for (const at of [9000, 0, 5000, 2000, 7000, 100, 8000, 3000, 0, 9000]) {
      expect(await cache.read(at, 24)).toEqual(bytes.subarray(at, at + 24));
    }
  });

  it.each([
    ['past the end', 9990, 20],
    ['at a negative offset', -1, 4],
  ])('refuses a read %s as Truncated', async (_name, offset, length) => {
    const cache = new BlockCache(memoryReader(bytes), bytes.length, { blockSize: 1024 });
    await expect(cache.read(offset, length)).rejects.toMatchObject({ code: 'Truncated' });
  });

  it('reports a file that shrank under it as Truncated', async () => {
    const cache = new BlockCache(memoryReader(bytes.subarray(0, 2000)), bytes.length, {
      blockSize: 1024,
    });
    await expect(cache.read(2500, 10)).rejects.toMatchObject({ code: 'Truncated' });
  });
});

describe('readFully', () => {
  it('loops over short reads', async () => {
    const bytes = data(100);
    const dribble = {
      read: async (b: Buffer, o: number, l: number, p: number) => {
        const n = Math.min(l, 7);
        bytes.copy(b, o, p, p + n);
        return { bytesRead: n };
      },
    };
    const out = Buffer.alloc(50);
    await readFully(dribble, out, 50, 25);
    expect(out).toEqual(bytes.subarray(25, 75));
  });
});
