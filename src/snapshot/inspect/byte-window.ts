/**
 * The tail of a byte stream still needed by a reader, addressed by absolute
 * stream offset. Incoming chunks are copied into large recycled blocks, so
 * a page is usually a view into one block whatever the chunk size of the
 * stream (etcd sends 32 KiB), and the garbage collector sees few buffers.
 * Views are valid until the next `dropBefore`.
 */
export class ByteWindow {
  private readonly blocks: Buffer[] = [];
  private readonly spare: Buffer[] = [];
  /** Stream offset of blocks[0][0]. */
  private base = 0;
  /** Stream offset just past the last byte received. */
  end = 0;

  constructor(private readonly blockSize = 1 << 20) {}

  append(chunk: Buffer): void {
    let from = 0;
    while (from < chunk.length) {
      const used = this.end - this.base - (this.blocks.length - 1) * this.blockSize;
      let block = this.blocks[this.blocks.length - 1];
      let at = used;
      if (!block || used === this.blockSize) {
        block = this.spare.pop() ?? Buffer.allocUnsafe(this.blockSize);
        this.blocks.push(block);
        at = 0;
      }
      const n = chunk.copy(block, at, from, Math.min(chunk.length, from + this.blockSize - at));
      from += n;
      this.end += n;
    }
  }

  /** Bytes [from, to): a view when they lie in one block, else a copy. */
  slice(from: number, to: number): Buffer {
    this.check(from, to);
    const i = Math.floor((from - this.base) / this.blockSize);
    const at = from - this.base - i * this.blockSize;
    if (at + (to - from) <= this.blockSize) return this.blocks[i]!.subarray(at, at + (to - from));
    return this.copyTo(Buffer.allocUnsafe(to - from), from);
  }

  /** Copies bytes [from, from + target.length) into `target`. */
  copyTo(target: Buffer, from: number): Buffer {
    this.check(from, from + target.length);
    let written = 0;
    while (written < target.length) {
      const offset = from + written - this.base;
      const i = Math.floor(offset / this.blockSize);
      const at = offset - i * this.blockSize;
      const n = Math.min(this.blockSize - at, target.length - written);
      written += this.blocks[i]!.copy(target, written, at, at + n);
    }
    return target;
  }

  /** Calls `use` with views covering bytes [from, to), block by block, without copying. */
  forEachView(from: number, to: number, use: (view: Buffer) => void): void {
    this.check(from, to);
    for (let offset = from; offset < to;) {
      const i = Math.floor((offset - this.base) / this.blockSize);
      const at = offset - this.base - i * this.blockSize;
      const n = Math.min(this.blockSize - at, to - offset);
      use(this.blocks[i]!.subarray(at, at + n));
      offset += n;
    }
  }

  /** Releases whole blocks that lie before `offset`, for reuse. */
  dropBefore(offset: number): void {
    while (this.blocks.length > 1 && this.base + this.blockSize <= offset) {
      this.spare.push(this.blocks.shift()!);
      this.base += this.blockSize;
    }
  }

  private check(from: number, to: number): void {
    if (from < this.base || to > this.end || from > to) {
      throw new RangeError(
        `bytes [${from}, ${to}) are not held (window is [${this.base}, ${this.end}))`,
      );
    }
  }
}
