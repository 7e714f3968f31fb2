// Growable columns of numbers in fixed-size typed-array chunks: a record
// costs its bytes and nothing more (no object header, no pointer), growing
// never copies what is stored, and at most one chunk per column is slack.

type Chunk = Float64Array | Int32Array | Uint8Array;

const SHIFT = 14;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

export class Column<T extends Chunk> {
  private readonly chunks: T[] = [];
  /** Number of values held; indexes [0, length) are readable. */
  length = 0;

  constructor(private readonly make: (n: number) => T) {}

  push(value: number): number {
    const i = this.length;
    if (i >>> SHIFT === this.chunks.length) this.chunks.push(this.make(CHUNK));
    this.chunks[i >>> SHIFT]![i & MASK] = value;
    this.length = i + 1;
    return i;
  }

  get(i: number): number {
    return this.chunks[i >>> SHIFT]![i & MASK]!;
  }

  set(i: number, value: number): void {
    this.chunks[i >>> SHIFT]![i & MASK] = value;
  }

  /** Grows to at least n values; new ones read as zero. */
  extend(n: number): void {
    while (this.chunks.length << SHIFT < n) this.chunks.push(this.make(CHUNK));
    if (n > this.length) this.length = n;
  }

  /** Forgets values from index n on (a rollback); their chunks are released. */
  truncate(n: number): void {
    if (n >= this.length) return;
    const keep = (n + MASK) >>> SHIFT;
    this.chunks.length = keep;
    if (n & MASK) this.chunks[keep - 1]!.fill(0, n & MASK);
    this.length = n;
  }

  /** Bytes held by the chunks. */
  get byteLength(): number {
    return this.chunks.reduce((n, c) => n + c.byteLength, 0);
  }
}

export const f64 = (): Column<Float64Array> => new Column((n) => new Float64Array(n));
export const i32 = (): Column<Int32Array> => new Column((n) => new Int32Array(n));
export const u8 = (): Column<Uint8Array> => new Column((n) => new Uint8Array(n));
