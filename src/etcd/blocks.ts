/**
 * Gathers small pieces of a byte stream into blocks of a fixed size, with
 * one copy of each byte. Each block is a fresh buffer: whoever receives it
 * may keep it as long as it likes.
 */
export class BlockBuilder {
  private block: Buffer | undefined;
  private used = 0;

  constructor(private readonly size: number) {}

  /** Copies `data` in; `emit` receives every block that fills. */
  add(data: Uint8Array, emit: (block: Buffer) => void): void {
    for (let at = 0; at < data.length;) {
      this.block ??= Buffer.allocUnsafe(this.size);
      const n = Math.min(this.size - this.used, data.length - at);
      this.block.set(data.subarray(at, at + n), this.used);
      this.used += n;
      at += n;
      if (this.used === this.size) {
        emit(this.block);
        this.block = undefined;
        this.used = 0;
      }
    }
  }

  /** Emits what is left (a shorter block), if anything. */
  end(emit: (block: Buffer) => void): void {
    if (this.block && this.used > 0) emit(this.block.subarray(0, this.used));
    this.block = undefined;
    this.used = 0;
  }
}
