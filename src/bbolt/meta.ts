import { SnapshotFormatError, type SnapshotFormatCode } from './errors.js';
import {
  MAGIC,
  META_CHECKSUMMED_SIZE,
  META_PAGE,
  META_SIZE,
  PAGE_HEADER_SIZE,
  VERSION,
  isAllOnes64,
  readU64,
} from './layout.js';

/** One decoded meta page: where the tree starts and how far the file goes. */
export interface Meta {
  readonly pageId: number;
  readonly pageSize: number;
  readonly flags: number;
  /** Page of the root bucket (the bucket holding every top-level bucket). */
  readonly root: number;
  readonly rootSequence: number;
  /** Freelist page, or null when the freelist is not persisted (etcd's default). */
  readonly freelist: number | null;
  /** High water mark: pages [0, pgid) make up the database. */
  readonly pgid: number;
  readonly txid: number;
}

export type MetaResult =
  | { readonly ok: true; readonly meta: Meta }
  | { readonly ok: false; readonly code: SnapshotFormatCode; readonly reason: string };

export const META_BYTES_NEEDED = PAGE_HEADER_SIZE + META_SIZE;

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** FNV-64a, as bbolt checksums a meta page. Only ever run on 56 bytes, so BigInt is fine. */
export function fnv64a(buf: Buffer, start: number, end: number): bigint {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) {
    h ^= BigInt(buf[i]!);
    h = (h * FNV_PRIME) & MASK64;
  }
  return h;
}

/**
 * Decodes the meta page starting at `start` of `buf` (which must hold at least
 * META_BYTES_NEEDED bytes from there) and validates it the way bbolt does:
 * magic, version, checksum; plus the page header bbolt writes with it.
 */
export function decodeMeta(buf: Buffer, start: number, expectedId: number): MetaResult {
  if (buf.length - start < META_BYTES_NEEDED) {
    return { ok: false, code: 'Truncated', reason: 'meta page is cut short' };
  }
  const m = start + PAGE_HEADER_SIZE;
  const magic = buf.readUInt32LE(m);
  if (magic !== MAGIC) {
    return {
      ok: false,
      code: 'BadMagic',
      reason: `magic is 0x${magic.toString(16)}, not 0xed0cdaed`,
    };
  }
  const version = buf.readUInt32LE(m + 4);
  if (version !== VERSION) {
    return { ok: false, code: 'BadVersion', reason: `version is ${version}, not ${VERSION}` };
  }
  const stored = buf.readBigUInt64LE(m + META_CHECKSUMMED_SIZE);
  if (stored !== fnv64a(buf, m, m + META_CHECKSUMMED_SIZE)) {
    return { ok: false, code: 'BadMetaChecksum', reason: 'checksum does not match its fields' };
  }
  const flags = buf.readUInt16LE(start + 8);
  const id = readU64(buf, start);
  if (flags !== META_PAGE || id !== expectedId) {
    return {
      ok: false,
      code: 'BadPageType',
      reason: `page header says id ${id}, flags 0x${flags.toString(16)}`,
    };
  }
  return { ok: true, meta: readMetaFields(buf, m, expectedId) };
}

function readMetaFields(buf: Buffer, m: number, pageId: number): Meta {
  return {
    pageId,
    pageSize: buf.readUInt32LE(m + 8),
    flags: buf.readUInt32LE(m + 12),
    root: readU64(buf, m + 16),
    rootSequence: readU64(buf, m + 24),
    freelist: isAllOnes64(buf, m + 32) ? null : readU64(buf, m + 32),
    pgid: readU64(buf, m + 40),
    txid: readU64(buf, m + 48),
  };
}

/** bbolt's choice: the valid meta with the higher txid, else the other valid one. */
export function chooseMeta(first: MetaResult, second: MetaResult): Meta {
  if (first.ok && second.ok) return second.meta.txid > first.meta.txid ? second.meta : first.meta;
  if (first.ok) return first.meta;
  if (second.ok) return second.meta;
  throw new SnapshotFormatError(
    first.code,
    `no valid bbolt meta page: page 0: ${first.reason}; page 1: ${second.reason}`,
    { pageId: 0, offset: 0 },
  );
}

/** A valid meta whose page size differs from the one the database was opened with is not valid. */
export function withPageSize(result: MetaResult, pageSize: number): MetaResult {
  if (!result.ok || result.meta.pageSize === pageSize) return result;
  const reason = `page size ${result.meta.pageSize} differs from the database's ${pageSize}`;
  return { ok: false, code: 'BadPageSize', reason };
}

/** The checks bbolt makes before it writes a meta page, which a reader must not assume. */
export function checkMetaBounds(meta: Meta, dbBytes: number): void {
  const pages = Math.floor(dbBytes / meta.pageSize);
  const where = { pageId: meta.pageId, offset: meta.pageId * meta.pageSize };
  if (meta.pgid > pages) {
    throw new SnapshotFormatError(
      'Truncated',
      `meta page ${meta.pageId} says the database has ${meta.pgid} pages of ${meta.pageSize} bytes, but only ${pages} are present (${dbBytes} bytes)`,
      where,
    );
  }
  if (meta.root < 2 || meta.root >= meta.pgid) {
    throw new SnapshotFormatError(
      'PageOutOfRange',
      `meta page ${meta.pageId}: root page ${meta.root} is outside [2, ${meta.pgid})`,
      where,
    );
  }
  if (meta.freelist !== null && (meta.freelist < 2 || meta.freelist >= meta.pgid)) {
    throw new SnapshotFormatError(
      'PageOutOfRange',
      `meta page ${meta.pageId}: freelist page ${meta.freelist} is outside [2, ${meta.pgid})`,
      where,
    );
  }
}
