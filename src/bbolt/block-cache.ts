import { SnapshotFormatError } from './errors.js';

/** Positional reads, the shape of `FileHandle.read`; tests pass an in-memory one. */
export interface PositionalReader {
  read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number }>;
}

/** Fills `length` bytes at `position` or fails as Truncated: the file shrank under us. */
export async function readFully(
  reader: PositionalReader,
  target: Buffer,
  length: number,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await reader.read(target, done, length - done, position + done);
    if (bytesRead <= 0) {
      throw new SnapshotFormatError(
        'Truncated',
        `file ended at offset ${position + done} while reading ${length} bytes at offset ${position}`,
        { offset: position + done },
      );
    }
    done += bytesRead;
  }
}

export interface BlockCacheOptions {
  /** Bytes per cached block; large reads amortise syscalls. Default 1 MiB. */
  readonly blockSize?: number;
  /** Blocks kept (LRU); memory stays at blockSize * maxBlocks. Default 16, at least 4. */
  readonly maxBlocks?: number;
}

/** Blocks read ahead of a near-sequential miss; the thread pool reads them while we parse. */
const READ_AHEAD = 4;

interface Block {
  readonly buf: Buffer;
  /** Set while the block is being read; views are handed out only once it is null. */
  loading: Promise<void> | null;
}

/**
 * A small LRU of large aligned blocks over a positional reader, bounded to the
 * first `length` bytes, reading the next block ahead on a miss (bbolt lays
 * out most of a tree in ascending pages). Block buffers are recycled, so a
 * view is only good until later reads may evict its block: callers copy what
 * they keep across reads (branch pages, keys, inline buckets).
 */
export class BlockCache {
  readonly length: number;
  private readonly blockSize: number;
  private readonly maxBlocks: number;
  private readonly blocks = new Map<number, Block>();
  private lastMiss = -1;

  constructor(
    private readonly reader: PositionalReader,
    length: number,
    options: BlockCacheOptions = {},
  ) {
    this.length = length;
    this.blockSize = options.blockSize ?? 1 << 20;
    this.maxBlocks = Math.max(4, options.maxBlocks ?? 16);
  }

  /** The bytes if they are already cached, without waiting. */
  peek(offset: number, length: number): Buffer | undefined {
    this.checkRange(offset, length);
    const index = Math.floor(offset / this.blockSize);
    const within = offset - index * this.blockSize;
    if (within + length > this.blockSize) return undefined;
    const block = this.blocks.get(index);
    if (!block || block.loading) return undefined;
    this.blocks.delete(index);
    this.blocks.set(index, block);
    return block.buf.subarray(within, within + length);
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const cached = this.peek(offset, length);
    if (cached) return cached;
    const index = Math.floor(offset / this.blockSize);
    const within = offset - index * this.blockSize;
    if (within + length > this.blockSize) {
      // Spans blocks (a large overflow page): read it on its own, into its own buffer.
      const out = Buffer.allocUnsafe(length);
      await readFully(this.reader, out, length, offset);
      return out;
    }
    const block = this.blocks.get(index) ?? this.load(index);
    // Near-sequential misses (the common bbolt layout) earn a deeper read-ahead.
    const ahead = Math.abs(index - this.lastMiss) <= READ_AHEAD ? READ_AHEAD : 1;
    this.lastMiss = index;
    for (let i = 1; i <= ahead; i++) this.prefetch(index + i);
    if (block.loading) await block.loading;
    return this.peek(offset, length) ?? block.buf.subarray(within, within + length);
  }

  private prefetch(index: number): void {
    if (index * this.blockSize >= this.length || this.blocks.has(index)) return;
    // A failed read-ahead is dropped (load forgets the block); a real read of it will report it.
    this.load(index).loading?.catch(() => undefined);
  }

  private load(index: number): Block {
    const start = index * this.blockSize;
    const size = Math.min(this.blockSize, this.length - start);
    const buf = this.recycle() ?? Buffer.allocUnsafe(this.blockSize);
    const block: Block = { buf, loading: null };
    block.loading = readFully(this.reader, buf, size, start).then(
      () => void (block.loading = null),
      (err: unknown) => {
        this.blocks.delete(index);
        throw err;
      },
    );
    this.blocks.set(index, block);
    return block;
  }

  /** Evicts the least recently used settled block once the cache is full, returning its buffer. */
  private recycle(): Buffer | undefined {
    if (this.blocks.size < this.maxBlocks) return undefined;
    for (const [index, block] of this.blocks) {
      if (block.loading) continue;
      this.blocks.delete(index);
      return block.buf;
    }
    return undefined;
  }

  private checkRange(offset: number, length: number): void {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.length)) {
      throw new SnapshotFormatError(
        'Truncated',
        `read of ${length} bytes at offset ${offset} goes past the end of the database (${this.length} bytes)`,
        { offset },
      );
    }
  }
}
