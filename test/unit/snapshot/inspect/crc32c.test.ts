import { crc32cCombine, crc32cUpdate } from '../../../../src/snapshot/inspect/crc32c.js';

/** Bit-at-a-time CRC-32C: slow, obviously right, the reference for the fast one. */
function reference(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe('crc32cUpdate', () => {
  it.each([
    ['the check value of "123456789"', Buffer.from('123456789'), 0xe3069283],
    ['nothing', Buffer.alloc(0), 0],
    ['32 zero bytes (RFC 3720)', Buffer.alloc(32), 0x8a9136aa],
    ['32 0xFF bytes (RFC 3720)', Buffer.alloc(32, 0xff), 0x62a8ab43],
  ])('matches %s', (_name, buf, expected) => {
    expect(crc32cUpdate(0, buf)).toBe(expected);
  });

  it.each([1, 15, 63, 64, 65, 100, 4096, 10_007])(
    'matches the bitwise reference for %i bytes at every alignment',
    (n) => {
      const buf = bytes(n + 8, n);
      for (let shift = 0; shift < 4; shift++) {
        const part = buf.subarray(shift, shift + n);
        expect(crc32cUpdate(0, part)).toBe(reference(part));
      }
    },
  );

  it('is incremental: feeding pieces equals feeding the whole', () => {
    const buf = bytes(5000, 7);
    let crc = 0;
    for (const [from, to] of [
      [0, 3],
      [3, 1000],
      [1000, 1001],
      [1001, 5000],
    ] as const) {
      crc = crc32cUpdate(crc, buf, from, to);
    }
    expect(crc).toBe(reference(buf));
  });
});

describe('crc32cCombine', () => {
  it.each([0, 1, 7, 64, 4096, 100_000])('joins the CRCs of A and a %i-byte B', (lenB) => {
    const a = bytes(333, 1);
    const b = bytes(lenB, 2);
    expect(crc32cCombine(crc32cUpdate(0, a), crc32cUpdate(0, b), lenB)).toBe(
      crc32cUpdate(0, Buffer.concat([a, b])),
    );
  });

  it('treats an empty A as the identity', () => {
    const b = bytes(99, 3);
    expect(crc32cCombine(0, crc32cUpdate(0, b), 99)).toBe(crc32cUpdate(0, b));
  });
});
