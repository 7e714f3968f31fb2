import { createHash } from 'node:crypto';
import { SnapshotFormatError } from '../../bbolt/errors.js';
import { BRANCH_PAGE, LEAF_PAGE, readU64 } from '../../bbolt/layout.js';
import { META_BYTES_NEEDED, decodeMeta, type MetaResult } from '../../bbolt/meta.js';
import { MAX_PAGE_SIZE, MIN_PAGE_SIZE } from '../../bbolt/page-size.js';
import { parseTreePage, type TreePage } from '../../bbolt/page.js';
import { ByteWindow } from './byte-window.js';
import { TRAILER_SIZE } from './snapshot-file.js';

/** Largest page size found by probing for meta page 1 when meta page 0 is unreadable. */
const MAX_PROBED_PAGE_SIZE = 1 << 16;

export interface StreamEnd {
  readonly size: number;
  readonly pageSize: number;
  readonly metas: readonly [MetaResult, MetaResult];
  /** sha256 of all but the last 32 bytes (null when not computed), and those 32 bytes. */
  readonly digest: string | null;
  readonly tail: Buffer;
}

/**
 * Cuts a snapshot stream into pages as bytes arrive. Any slot whose header
 * names itself as a branch or leaf page is a candidate (a live page or a
 * stale copy; only the tree, resolved at the end, tells); each candidate is
 * handed over whole, overflow included, then its bytes are released.
 */
export class StreamPages {
  private readonly window = new ByteWindow();
  private readonly hash = createHash('sha256');
  private hashed = 0;
  private pageSize: number | null = null;
  private nextSlot = 0;
  /** Candidates waiting for their last bytes, in slot order; compacted in place. */
  private readonly pending: Array<{ id: number; end: number }> = [];
  private readonly metas: MetaResult[] = [];
  /** Scratch space for the header of each slot, so examining a slot allocates nothing. */
  private readonly header = Buffer.alloc(16);

  /** `digest` false skips the sha256 (when the caller already verifies the trailer). */
  constructor(
    private readonly onPage: (page: TreePage, overflow: number) => void,
    private readonly onBadPage: (id: number, error: SnapshotFormatError) => void,
    private readonly maxPageBytes: number,
    private readonly digest: boolean,
  ) {}

  write(chunk: Buffer): void {
    this.window.append(chunk);
    const frontier = this.window.end - TRAILER_SIZE;
    if (!this.digest) this.hashed = Math.max(0, frontier);
    else if (frontier > this.hashed) {
      this.window.forEachView(this.hashed, frontier, (view) => this.hash.update(view));
      this.hashed = frontier;
    }
    if (this.pageSize === null) this.pageSize = this.detectPageSize(false);
    if (this.pageSize !== null) this.cut(this.pageSize);
  }

  end(): StreamEnd {
    const size = this.window.end;
    const pageSize = this.pageSize ?? this.detectPageSize(true)!;
    this.cut(pageSize);
    for (const { id } of this.pending) {
      this.onBadPage(
        id,
        new SnapshotFormatError('PageOutOfRange', `page ${id} runs past the end of the stream`, {
          pageId: id,
        }),
      );
    }
    const tail = Buffer.from(this.window.slice(Math.max(0, size - TRAILER_SIZE), size));
    const missing = (id: number): MetaResult => ({
      ok: false,
      code: 'Truncated',
      reason: `stream ended before meta page ${id}`,
    });
    const metas = [this.metas[0] ?? missing(0), this.metas[1] ?? missing(1)] as const;
    return { size, pageSize, metas, digest: this.digest ? this.hash.digest('hex') : null, tail };
  }

  /** bbolt's rule: meta page 0's page size, else probe where meta page 1 would be. */
  private detectPageSize(final: boolean): number | null {
    const have = this.window.end;
    if (have >= META_BYTES_NEEDED) {
      const first = decodeMeta(this.window.slice(0, META_BYTES_NEEDED), 0, 0);
      if (first.ok && first.meta.pageSize >= MIN_PAGE_SIZE && first.meta.pageSize <= MAX_PAGE_SIZE)
        return first.meta.pageSize;
    }
    if (!final && have < MAX_PROBED_PAGE_SIZE + META_BYTES_NEEDED) return null;
    for (
      let size = 1024;
      size <= MAX_PROBED_PAGE_SIZE && size + META_BYTES_NEEDED <= have;
      size *= 2
    ) {
      const second = decodeMeta(this.window.slice(size, size + META_BYTES_NEEDED), 0, 1);
      if (second.ok && second.meta.pageSize === size) return size;
    }
    const reason = have < META_BYTES_NEEDED ? 'Truncated' : 'BadMagic';
    throw new SnapshotFormatError(
      reason,
      `not a bbolt database: no valid meta page in the first ${have} bytes`,
      { pageId: 0, offset: 0 },
    );
  }

  private cut(pageSize: number): void {
    for (; (this.nextSlot + 1) * pageSize <= this.window.end; this.nextSlot++)
      this.examine(this.nextSlot, pageSize);
    let keep = Math.min(this.hashed, this.nextSlot * pageSize);
    let waiting = 0;
    for (const candidate of this.pending) {
      if (this.complete(candidate, pageSize)) continue;
      this.pending[waiting++] = candidate;
      keep = Math.min(keep, candidate.id * pageSize);
    }
    this.pending.length = waiting;
    this.window.dropBefore(keep);
  }

  private examine(slot: number, pageSize: number): void {
    const at = slot * pageSize;
    if (slot < 2) {
      this.metas[slot] = decodeMeta(this.window.slice(at, at + META_BYTES_NEEDED), 0, slot);
      return;
    }
    const head = this.window.copyTo(this.header, at);
    const flags = head.readUInt16LE(8);
    if ((flags !== BRANCH_PAGE && flags !== LEAF_PAGE) || readU64(head, 0) !== slot) return;
    const bytes = (head.readUInt32LE(12) + 1) * pageSize;
    if (bytes > this.maxPageBytes) {
      const message = `page ${slot} claims ${bytes} bytes with its overflow, over the ${this.maxPageBytes}-byte limit`;
      this.onBadPage(
        slot,
        new SnapshotFormatError('PageTooLarge', message, { pageId: slot, offset: at }),
      );
      return;
    }
    this.pending.push({ id: slot, end: at + bytes });
  }

  /** Hands over a candidate whose bytes have all arrived; true when done with it. */
  private complete(candidate: { id: number; end: number }, pageSize: number): boolean {
    if (candidate.end > this.window.end) return false;
    const start = candidate.id * pageSize;
    const bytes = this.window.slice(start, candidate.end);
    try {
      const page = parseTreePage(bytes, 0, bytes.length, candidate.id, candidate.id, start);
      this.onPage(page, bytes.length / pageSize - 1);
    } catch (err) {
      if (!(err instanceof SnapshotFormatError)) throw err;
      this.onBadPage(candidate.id, err);
    }
    return true;
  }
}
