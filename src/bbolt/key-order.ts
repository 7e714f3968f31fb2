import { SnapshotFormatError } from './errors.js';
import { describePage, type TreePage } from './page.js';

/** A key as a slice of a page buffer; no copy is made. */
export interface KeyRef {
  readonly buf: Buffer;
  readonly start: number;
  readonly end: number;
}

export function compareKeys(a: KeyRef, b: KeyRef): number {
  return a.buf.compare(b.buf, b.start, b.end, a.start, a.end);
}

/**
 * Tracks the last key seen while a bucket is walked in order, so every key is
 * checked to be strictly greater than the one before it, as bbolt's Check does.
 */
export class KeyOrder {
  // Kept as three fields, not a KeyRef, to avoid an allocation per entry.
  private lastBuf: Buffer | null = null;
  private lastStart = 0;
  private lastEnd = 0;

  next(page: TreePage, index: number, start: number, end: number): void {
    const buf = page.buf;
    if (
      this.lastBuf !== null &&
      this.lastBuf.compare(buf, start, end, this.lastStart, this.lastEnd) >= 0
    ) {
      throw orderError(page, index, 'is not greater than the key before it');
    }
    this.lastBuf = buf;
    this.lastStart = start;
    this.lastEnd = end;
  }

  /** Copies the last key out of the page, whose buffer later reads may recycle. */
  endPage(): void {
    if (this.lastBuf === null) return;
    this.lastBuf = Buffer.from(this.lastBuf.subarray(this.lastStart, this.lastEnd));
    this.lastStart = 0;
    this.lastEnd = this.lastBuf.length;
  }
}

/** Keys of a subtree must lie in [low, high) set by the parent branch page. */
export function checkBounds(
  page: TreePage,
  index: number,
  key: KeyRef,
  low: KeyRef | null,
  high: KeyRef | null,
): void {
  if (low !== null && compareKeys(key, low) < 0) {
    throw orderError(page, index, 'sorts before the key its parent branch element gives');
  }
  if (high !== null && compareKeys(key, high) >= 0) {
    throw orderError(page, index, "is not below the parent's next branch key");
  }
}

function orderError(page: TreePage, index: number, what: string): SnapshotFormatError {
  return new SnapshotFormatError(
    'KeyOrder',
    `${describePage(page)}: key of element ${index} ${what}`,
    {
      pageId: page.id,
      offset: page.fileOffset,
    },
  );
}
