// A 64-bit fingerprint of a user key, as two independent 32-bit hashes, so
// the streaming scanner can tell keys apart without keeping them. Two
// distinct keys share it with odds of about n^2 / 2^65 (1e-9 for 200k keys),
// and the scanner also compares the key's length and Kubernetes class.

/** The two halves; reused between calls. */
export interface KeyHash {
  lo: number;
  hi: number;
}

export function newKeyHash(): KeyHash {
  return { lo: 0, hi: 0 };
}

/** FNV-1a and a Murmur-style multiply-shift over the same bytes, each finished with fmix32. */
export function hashKey(buf: Uint8Array, start: number, end: number, out: KeyHash): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  out.lo = fmix32(a ^ (end - start));
  out.hi = fmix32(b ^ Math.imul(end - start, 0x27d4eb2f));
}

/** MurmurHash3's finaliser: every input bit flips each output bit with odds near 1/2. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
