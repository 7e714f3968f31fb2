import { Readable } from 'node:stream';
import { PartBuffers, cutParts } from '../../../src/storage/s3/s3-parts.js';

/** The bytes 0, 1, 2, ... (mod 251) in chunks of the given sizes. */
function body(sizes: readonly number[]): Readable {
  let n = 0;
  return Readable.from(
    sizes.map((size) => Buffer.from(Array.from({ length: size }, () => n++ % 251))),
  );
}

async function cut(sizes: readonly number[], partSize: number) {
  const buffers = new PartBuffers(partSize);
  const parts: Array<{ number: number; bytes: number[]; last: boolean }> = [];
  for await (const part of cutParts(body(sizes), partSize, buffers)) {
    parts.push({ number: part.number, bytes: [...part.data], last: part.last });
    part.release();
  }
  return parts;
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => (from + i) % 251);

describe('cutParts', () => {
  it.each([
    ['a body smaller than a part', [3, 2], 8, [[0, 5, true]]],
    ['a body of exactly one part: still one PutObject', [4, 4], 8, [[0, 8, true]]],
    ['an empty body: one empty part', [], 8, [[0, 0, true]]],
    [
      'chunks that straddle part boundaries',
      [5, 7, 9],
      8,
      [
        [0, 8, false],
        [8, 16, false],
        [16, 21, true],
      ],
    ],
    [
      'a body of exactly two parts',
      [16],
      8,
      [
        [0, 8, false],
        [8, 16, true],
      ],
    ],
  ] as const)('%s', async (_label, sizes, partSize, expected) => {
    const parts = await cut(sizes, partSize);
    expect(parts).toEqual(
      expected.map(([from, to, last], i) => ({ number: i + 1, bytes: range(from, to), last })),
    );
  });

  it('reuses released buffers instead of allocating one per part', async () => {
    const buffers = new PartBuffers(4);
    const seen = new Set<ArrayBufferLike>();
    for await (const part of cutParts(body([4, 4, 4, 4, 2]), 4, buffers)) {
      seen.add(part.data.buffer);
      part.release();
    }
    // One buffer fills while the previous part is out; released parts come back.
    expect(seen.size).toBeLessThanOrEqual(2);
  });

  it("passes the body's error through", async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('trailing digest does not match'));
      },
    });
    const parts = cutParts(failing, 8, new PartBuffers(8));
    await expect(parts.next()).rejects.toThrow('trailing digest does not match');
  });
});
