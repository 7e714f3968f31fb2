// bbolt's on-disk layout (go.etcd.io/bbolt internal/common), little-endian on
// every platform etcd ships for. Offsets are relative to the start of a page.

export const PAGE_HEADER_SIZE = 16;
export const BRANCH_ELEMENT_SIZE = 16;
export const LEAF_ELEMENT_SIZE = 16;
export const BUCKET_HEADER_SIZE = 16;
export const META_SIZE = 64;
/** The checksum covers the meta fields before it. */
export const META_CHECKSUMMED_SIZE = 56;

export const BRANCH_PAGE = 0x01;
export const LEAF_PAGE = 0x02;
export const META_PAGE = 0x04;
export const FREELIST_PAGE = 0x10;

/** Leaf element flag: the value is a nested bucket header (plus an inline page). */
export const BUCKET_LEAF_FLAG = 0x01;

export const MAGIC = 0xed0cdaed;
export const VERSION = 2;

/** A freelist page whose 16-bit count is saturated stores the real count in its first id slot. */
export const FREELIST_COUNT_OVERFLOW = 0xffff;

const TWO_POW_32 = 0x1_0000_0000;

/**
 * A u64 as a JS number. Values above 2^53 lose precision, which is harmless:
 * every such value is far beyond any page count and fails the range checks.
 */
export function readU64(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset) + buf.readUInt32LE(offset + 4) * TWO_POW_32;
}

/** bbolt's "no freelist" marker is all ones; compared exactly, not via readU64. */
export function isAllOnes64(buf: Buffer, offset: number): boolean {
  return buf.readUInt32LE(offset) === 0xffffffff && buf.readUInt32LE(offset + 4) === 0xffffffff;
}

export function pageTypeName(flags: number): string {
  switch (flags) {
    case BRANCH_PAGE:
      return 'branch';
    case LEAF_PAGE:
      return 'leaf';
    case META_PAGE:
      return 'meta';
    case FREELIST_PAGE:
      return 'freelist';
    default:
      return `unknown<0x${flags.toString(16).padStart(2, '0')}>`;
  }
}
