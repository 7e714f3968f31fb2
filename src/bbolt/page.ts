// Pure parsing of one branch or leaf page held in memory. Nothing here reads
// files or follows pointers, so a file walker and a streaming scanner share it.
import { SnapshotFormatError } from './errors.js';
import {
  BRANCH_ELEMENT_SIZE,
  BRANCH_PAGE,
  LEAF_ELEMENT_SIZE,
  LEAF_PAGE,
  PAGE_HEADER_SIZE,
  pageTypeName,
  readU64,
} from './layout.js';

/** A branch or leaf page: its bytes are buf[start, end), overflow pages included. */
export interface TreePage {
  readonly buf: Buffer;
  readonly start: number;
  readonly end: number;
  /** The page id; for an inline bucket page, the id of the page holding it. */
  readonly id: number;
  /** Position in the database of buf[start], for error messages. */
  readonly fileOffset: number;
  readonly inline: boolean;
  readonly isLeaf: boolean;
  readonly count: number;
}

/** One leaf element as absolute offsets into the page buffer; reused between calls. */
export interface LeafElement {
  flags: number;
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

export interface BranchElement {
  keyStart: number;
  keyEnd: number;
  child: number;
}

export function newLeafElement(): LeafElement {
  return { flags: 0, keyStart: 0, keyEnd: 0, valueStart: 0, valueEnd: 0 };
}

export function newBranchElement(): BranchElement {
  return { keyStart: 0, keyEnd: 0, child: 0 };
}

export function describePage(page: { id: number; inline: boolean }): string {
  return page.inline ? `inline bucket page in page ${page.id}` : `page ${page.id}`;
}

/**
 * Checks a branch/leaf page header: its type, and its id (`expectedId` is null
 * for inline pages, whose header id bbolt never sets). Returns the flags.
 */
export function checkTreeHeader(
  buf: Buffer,
  start: number,
  id: number,
  expectedId: number | null,
  fileOffset: number,
): number {
  const inline = expectedId === null;
  const where = { pageId: id, offset: fileOffset };
  const flags = buf.readUInt16LE(start + 8);
  if (flags !== LEAF_PAGE && (inline || flags !== BRANCH_PAGE)) {
    const expected = inline ? 'an inline leaf page' : 'a branch or leaf page';
    throw new SnapshotFormatError(
      'BadPageType',
      `${describePage({ id, inline })} is a ${pageTypeName(flags)} page where ${expected} belongs`,
      where,
    );
  }
  if (expectedId !== null && readU64(buf, start) !== expectedId) {
    throw new SnapshotFormatError(
      'PageIdMismatch',
      `page ${expectedId} identifies itself as page ${readU64(buf, start)}`,
      where,
    );
  }
  return flags;
}

/** Checks a whole branch/leaf page in buf[start, end): header, and that its element array fits. */
export function parseTreePage(
  buf: Buffer,
  start: number,
  end: number,
  id: number,
  expectedId: number | null,
  fileOffset: number,
): TreePage {
  const inline = expectedId === null;
  if (end - start < PAGE_HEADER_SIZE) {
    throw new SnapshotFormatError(
      'Truncated',
      `${describePage({ id, inline })} is shorter than a page header`,
      { pageId: id, offset: fileOffset },
    );
  }
  const isLeaf = checkTreeHeader(buf, start, id, expectedId, fileOffset) === LEAF_PAGE;
  const count = buf.readUInt16LE(start + 10);
  const page: TreePage = { buf, start, end, id, fileOffset, inline, isLeaf, count };
  if (start + PAGE_HEADER_SIZE + count * LEAF_ELEMENT_SIZE > end) {
    throw new SnapshotFormatError(
      'BadElement',
      `${describePage(page)} claims ${count} elements, more than its ${end - start} bytes hold`,
      { pageId: id, offset: fileOffset },
    );
  }
  return page;
}

export function readLeafElement(page: TreePage, index: number, out: LeafElement): void {
  const { buf } = page;
  const e = page.start + PAGE_HEADER_SIZE + index * LEAF_ELEMENT_SIZE;
  const keyStart = e + buf.readUInt32LE(e + 4);
  const keyEnd = keyStart + buf.readUInt32LE(e + 8);
  const valueEnd = keyEnd + buf.readUInt32LE(e + 12);
  if (valueEnd > page.end) throw elementError(page, 'leaf', index, keyStart, valueEnd);
  out.flags = buf.readUInt32LE(e);
  out.keyStart = keyStart;
  out.keyEnd = keyEnd;
  out.valueStart = keyEnd;
  out.valueEnd = valueEnd;
}

export function readBranchElement(page: TreePage, index: number, out: BranchElement): void {
  const { buf } = page;
  const e = page.start + PAGE_HEADER_SIZE + index * BRANCH_ELEMENT_SIZE;
  const keyStart = e + buf.readUInt32LE(e);
  const keyEnd = keyStart + buf.readUInt32LE(e + 4);
  if (keyEnd > page.end) throw elementError(page, 'branch', index, keyStart, keyEnd);
  out.keyStart = keyStart;
  out.keyEnd = keyEnd;
  out.child = readU64(buf, e + 8);
}

function elementError(
  page: TreePage,
  kind: string,
  index: number,
  from: number,
  to: number,
): SnapshotFormatError {
  return new SnapshotFormatError(
    'BadElement',
    `${describePage(page)}: ${kind} element ${index} points at bytes [${from - page.start}, ${to - page.start}) beyond the page's ${page.end - page.start} bytes`,
    { pageId: page.id, offset: page.fileOffset + index * LEAF_ELEMENT_SIZE + PAGE_HEADER_SIZE },
  );
}
