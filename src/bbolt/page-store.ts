import type { BlockCache } from './block-cache.js';
import { SnapshotFormatError } from './errors.js';
import { decodeFreelist } from './freelist.js';
import { checkTreeHeader, parseTreePage, type TreePage } from './page.js';

export interface Freelist {
  readonly pageId: number;
  readonly overflow: number;
  readonly ids: Float64Array;
}

/**
 * Loads pages below the high water mark `pgid`, with their overflow. Each tree
 * page is marked when loaded, so meeting a page twice (a cycle, or a page
 * shared by two parents) fails instead of looping. A leaf page is a view into
 * the block cache, valid until the next load; a branch page is a copy.
 */
export class PageStore {
  overflowPages = 0;
  private readonly reached: Uint8Array;

  constructor(
    private readonly cache: BlockCache,
    readonly pageSize: number,
    readonly pgid: number,
    private readonly maxPageBytes: number,
  ) {
    this.reached = new Uint8Array(pgid);
  }

  isReached(id: number): boolean {
    return this.reached[id] === 1;
  }

  reachedCount(): number {
    let n = 0;
    for (let i = 0; i < this.reached.length; i++) n += this.reached[i]!;
    return n;
  }

  /** A branch or leaf page; `via` names the referring page for messages. */
  async loadTreePage(id: number, via: string): Promise<TreePage> {
    const offset = id * this.pageSize;
    const head = await this.read(id, 0, via);
    // Type first: a stray page's overflow count is noise, not worth reading.
    checkTreeHeader(head, 0, id, id, offset);
    const overflow = head.readUInt32LE(12);
    const bytes = this.pageBytes(id, overflow, via);
    const buf = overflow === 0 ? head : await this.read(id, overflow, via);
    for (let p = id; p <= id + overflow; p++) {
      if (this.reached[p] === 1) {
        throw new SnapshotFormatError(
          'Cycle',
          `page ${p} is reached a second time (a cycle or a page with two parents), ${via}`,
          { pageId: p, offset: p * this.pageSize },
        );
      }
      this.reached[p] = 1;
    }
    this.overflowPages += overflow;
    const page = parseTreePage(buf, 0, bytes, id, id, offset);
    // A branch page is used across later reads that may recycle its cache block: keep a copy.
    return page.isLeaf ? page : { ...page, buf: Buffer.from(buf.subarray(0, bytes)) };
  }

  async readFreelist(id: number): Promise<Freelist> {
    const via = 'named by the meta page as the freelist';
    const head = await this.read(id, 0, via);
    const overflow = head.readUInt32LE(12);
    const bytes = this.pageBytes(id, overflow, via);
    const buf = overflow === 0 ? head : await this.read(id, overflow, via);
    const ids = decodeFreelist(buf, 0, bytes, id, id * this.pageSize);
    return { pageId: id, overflow, ids };
  }

  private async read(id: number, overflow: number, via: string): Promise<Buffer> {
    const bytes = this.pageBytes(id, overflow, via);
    const offset = id * this.pageSize;
    return this.cache.peek(offset, bytes) ?? (await this.cache.read(offset, bytes));
  }

  private pageBytes(id: number, overflow: number, via: string): number {
    const where = { pageId: id, offset: id * this.pageSize };
    if (!(id < this.pgid)) {
      throw new SnapshotFormatError(
        'PageOutOfRange',
        `page ${id} (${via}) is beyond the high water mark of ${this.pgid} pages`,
        where,
      );
    }
    if (id + overflow >= this.pgid) {
      throw new SnapshotFormatError(
        'PageOutOfRange',
        `page ${id} (${via}) with ${overflow} overflow pages runs past the high water mark of ${this.pgid} pages`,
        where,
      );
    }
    const bytes = (overflow + 1) * this.pageSize;
    if (bytes > this.maxPageBytes) {
      throw new SnapshotFormatError(
        'PageTooLarge',
        `page ${id} (${via}) claims ${overflow} overflow pages (${bytes} bytes), over the ${this.maxPageBytes}-byte limit`,
        where,
      );
    }
    return bytes;
  }
}
