import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Counts, and optionally hashes, the bytes that pass (e.g. the stored object's size and sha256). */
export class ByteCounter extends Transform {
  private readonly hash: Hash | undefined;
  private count = 0;
  private readonly onBytes: ((total: number) => void) | undefined;

  constructor(options: { hash: boolean; onBytes?: (total: number) => void }) {
    super();
    this.hash = options.hash ? createHash('sha256') : undefined;
    this.onBytes = options.onBytes;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash?.update(chunk);
    this.count += chunk.length;
    this.onBytes?.(this.count);
    done(null, chunk);
  }

  get bytes(): number {
    return this.count;
  }

  /** Only valid once the stream has finished. */
  sha256(): string {
    if (!this.hash) throw new Error('ByteCounter created without hashing');
    return this.hash.copy().digest('hex');
  }
}
