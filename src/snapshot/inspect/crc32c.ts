// CRC-32C (Castagnoli), the hash `etcdutl snapshot status` reports. Node's
// zlib.crc32 is the IEEE polynomial, so this is our own table-driven version:
// slicing-by-16 over aligned 32-bit loads (about 2x slicing-by-8 on bytes).
// Values are finished CRCs (like zlib's crc32(crc, buf)): start from 0 and
// feed each piece, so update(update(0, a), b) === update(0, a ++ b).
import { endianness } from 'node:os';

const POLY = 0x82f63b78; // reflected Castagnoli polynomial
const SLICES = 16;

/** T[k * 256 + b]: the CRC of byte b followed by k zero bytes. */
const T = buildTable();

function buildTable(): Int32Array {
  const t = new Int32Array(256 * SLICES);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < SLICES; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
}

/** Word loads assume little-endian, like every platform etcd ships for but s390x. */
const WORDS = endianness() === 'LE';
const MIN_WORD_RUN = 64;

function bytewise(c: number, buf: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) c = T[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return c;
}

/** The CRC of everything fed so far, extended by buf[start, end). */
export function crc32cUpdate(crc: number, buf: Uint8Array, start = 0, end = buf.length): number {
  let c = ~crc;
  let i = start;
  if (WORDS && end - start >= MIN_WORD_RUN) {
    const head = (4 - ((buf.byteOffset + i) & 3)) & 3;
    c = bytewise(c, buf, i, i + head);
    i += head;
    const groups = (end - i) >>> 4;
    const w = new Int32Array(buf.buffer, buf.byteOffset + i, groups * 4);
    for (let j = 0; j < w.length; j += 4) c = sixteen(c ^ w[j]!, w[j + 1]!, w[j + 2]!, w[j + 3]!);
    i += groups * 16;
  }
  return ~bytewise(c, buf, i, end) >>> 0;
}

function sixteen(a: number, b: number, d: number, e: number): number {
  return (
    T[3840 + (a & 0xff)]! ^
    T[3584 + ((a >>> 8) & 0xff)]! ^
    T[3328 + ((a >>> 16) & 0xff)]! ^
    T[3072 + (a >>> 24)]! ^
    T[2816 + (b & 0xff)]! ^
    T[2560 + ((b >>> 8) & 0xff)]! ^
    T[2304 + ((b >>> 16) & 0xff)]! ^
    T[2048 + (b >>> 24)]! ^
    T[1792 + (d & 0xff)]! ^
    T[1536 + ((d >>> 8) & 0xff)]! ^
    T[1280 + ((d >>> 16) & 0xff)]! ^
    T[1024 + (d >>> 24)]! ^
    T[768 + (e & 0xff)]! ^
    T[512 + ((e >>> 8) & 0xff)]! ^
    T[256 + ((e >>> 16) & 0xff)]! ^
    T[e >>> 24]!
  );
}

// Combining (zlib's crc32_combine, in its x^(2^n) mod P form): the CRC of
// A ++ B from crc(A), crc(B) and |B|. A streaming scanner hashes pages as they
// arrive and stitches the per-page CRCs together in key order at the end.

function multModP(a: number, b: number): number {
  if (a === 0) return 0; // never for x^n mod P, but the loop below needs a set bit to stop
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

const X2N = buildX2n();

function buildX2n(): Uint32Array {
  const table = new Uint32Array(32);
  let p = 0x40000000; // x^1
  table[0] = p;
  for (let n = 1; n < 32; n++) {
    p = multModP(p, p);
    table[n] = p;
  }
  return table;
}

/** x^(8 * len) mod P: the operator that shifts a CRC over `len` zero bytes. */
function shiftOperator(len: number): number {
  let p = 0x80000000; // x^0
  let k = 3;
  let n = len;
  while (n > 0) {
    if (n % 2 === 1) p = multModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

export function crc32cCombine(crcA: number, crcB: number, lenB: number): number {
  return (multModP(shiftOperator(lenB), crcA) ^ crcB) >>> 0;
}
