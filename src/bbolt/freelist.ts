import { SnapshotFormatError, type SnapshotFormatDetails } from './errors.js';
import {
  FREELIST_COUNT_OVERFLOW,
  FREELIST_PAGE,
  PAGE_HEADER_SIZE,
  pageTypeName,
  readU64,
} from './layout.js';

const PGID_SIZE = 8;

/**
 * The page ids listed on a freelist page held in buf[start, end) (overflow
 * included). A saturated 16-bit count means the first slot holds the count.
 */
export function decodeFreelist(
  buf: Buffer,
  start: number,
  end: number,
  pageId: number,
  fileOffset: number,
): Float64Array {
  const where = { pageId, offset: fileOffset };
  checkHeader(buf, start, pageId, where);
  let first = start + PAGE_HEADER_SIZE;
  let count = buf.readUInt16LE(start + 10);
  if (count === FREELIST_COUNT_OVERFLOW && first + PGID_SIZE <= end) {
    count = readU64(buf, first);
    first += PGID_SIZE;
  }
  if (first + count * PGID_SIZE > end) {
    throw new SnapshotFormatError(
      'BadFreelist',
      `freelist page ${pageId} lists ${count} page ids, more than its ${end - start} bytes hold`,
      where,
    );
  }
  const ids = new Float64Array(count);
  for (let i = 0; i < count; i++) ids[i] = readU64(buf, first + i * PGID_SIZE);
  return ids;
}

function checkHeader(
  buf: Buffer,
  start: number,
  pageId: number,
  where: SnapshotFormatDetails,
): void {
  const flags = buf.readUInt16LE(start + 8);
  if (flags !== FREELIST_PAGE) {
    throw new SnapshotFormatError(
      'BadPageType',
      `page ${pageId} is a ${pageTypeName(flags)} page, but the meta page names it as the freelist`,
      where,
    );
  }
  if (readU64(buf, start) !== pageId) {
    throw new SnapshotFormatError(
      'PageIdMismatch',
      `freelist page ${pageId} identifies itself as page ${readU64(buf, start)}`,
      where,
    );
  }
}
