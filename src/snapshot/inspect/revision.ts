import { SnapshotFormatError } from '../../bbolt/errors.js';

// A key of etcd's `key` bucket (server/storage/mvcc/revision.go): 8-byte
// big-endian main revision, '_', 8-byte big-endian sub revision, and a
// trailing 't' when the revision is a deletion (tombstone).
const REV_BYTES = 17;
const MARKED_REV_BYTES = 18;
const SEPARATOR = 0x5f; // '_'
const TOMBSTONE = 0x74; // 't'
const TWO_POW_32 = 0x1_0000_0000;

export interface Revision {
  main: number;
  sub: number;
  tombstone: boolean;
}

export function newRevision(): Revision {
  return { main: 0, sub: 0, tombstone: false };
}

/** Decodes buf[start, end) into `out`, or throws BadRevisionKey as etcdutl would refuse it. */
export function decodeRevision(
  buf: Buffer,
  start: number,
  end: number,
  out: Revision,
  pageId: number,
): void {
  const len = end - start;
  if ((len !== REV_BYTES && len !== MARKED_REV_BYTES) || buf[start + 8] !== SEPARATOR) {
    throw new SnapshotFormatError(
      'BadRevisionKey',
      `page ${pageId}: key bucket key ${buf.toString('hex', start, Math.min(end, start + 32))} is not <main>_<sub>[t]`,
      { pageId },
    );
  }
  const mainHi = buf.readUInt32BE(start);
  const subHi = buf.readUInt32BE(start + 9);
  if (mainHi >= 0x80000000 || subHi >= 0x80000000) {
    throw new SnapshotFormatError(
      'BadRevisionKey',
      `page ${pageId}: key bucket key has a negative revision`,
      { pageId },
    );
  }
  out.main = mainHi * TWO_POW_32 + buf.readUInt32BE(start + 4);
  out.sub = subHi * TWO_POW_32 + buf.readUInt32BE(start + 13);
  out.tombstone = len === MARKED_REV_BYTES && buf[start + REV_BYTES] === TOMBSTONE;
}
