import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ProjectError } from '../../api/errors.js';

export const TRAILER_BYTES = 32;

/** Raised when etcd's appended sha256 is missing or does not match the data. */
export class DigestError extends ProjectError {
  override readonly name = 'DigestError';
  readonly category = 'integrity';
  override get reason(): string {
    return 'ChecksumMismatch';
  }
  readonly code: 'DigestMismatch' | 'TrailerMissing' | 'Corrupt';

  constructor(code: DigestError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Passes every byte through unchanged (the stored file keeps the trailer, so
 * `etcdutl snapshot restore` accepts it) while hashing all but the last 32
 * bytes. At the end the held-back 32 bytes must equal that sha256; otherwise
 * the stream fails before it ends, so no downstream store commits the object.
 *
 * It also counts the bytes (`onBytes`, for progress) and, when asked, gives
 * the sha256 of the whole stream, trailer included: the stored object's digest
 * when it is stored as it came, from the same hashing pass (one sha256, not two).
 */
export class TrailerVerifier extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private pending: Buffer = Buffer.alloc(0);
  private total = 0;
  private verified: { sha256: string; size: number } | undefined;
  private whole: string | undefined;

  constructor(
    private readonly options: {
      readonly onBytes?: (total: number) => void;
      /** Also compute wholeSha256(). */
      readonly whole?: boolean;
    } = {},
  ) {
    super();
  }

  get bytes(): number {
    return this.total;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.total += chunk.length;
    this.options.onBytes?.(this.total);
    if (chunk.length >= TRAILER_BYTES) {
      // What was held back, and all but this chunk's last 32 bytes, is database.
      if (this.pending.length > 0) this.hash.update(this.pending);
      this.hash.update(chunk.subarray(0, chunk.length - TRAILER_BYTES));
      // Copy: the tail must not pin (or alias) the caller's much larger chunk.
      this.pending = Buffer.from(chunk.subarray(chunk.length - TRAILER_BYTES));
    } else {
      const data = Buffer.concat([this.pending, chunk]);
      const cut = Math.max(0, data.length - TRAILER_BYTES);
      if (cut > 0) this.hash.update(data.subarray(0, cut));
      this.pending = data.subarray(cut);
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.total <= TRAILER_BYTES) {
      done(
        new DigestError(
          'TrailerMissing',
          `snapshot stream ended after ${this.total} bytes, before etcd's sha256 trailer: the member closed the stream early`,
        ),
      );
      return;
    }
    if (this.options.whole) this.whole = this.hash.copy().update(this.pending).digest('hex');
    const expected = this.hash.digest('hex');
    const actual = this.pending.toString('hex');
    if (expected !== actual) {
      done(
        new DigestError(
          'DigestMismatch',
          `snapshot digest mismatch after ${this.total} bytes: etcd's trailer says ${actual}, the data hashes to ${expected}; the stream was truncated or corrupted`,
        ),
      );
      return;
    }
    this.verified = { sha256: expected, size: this.total };
    done();
  }

  /** sha256 of every byte that passed, trailer included; set once the stream ends cleanly. */
  wholeSha256(): string {
    if (!this.verified || this.whole === undefined)
      throw new Error('TrailerVerifier.wholeSha256() before the stream finished, or not asked for');
    return this.whole;
  }

  /** The verified database digest and the raw size (trailer included); set once the stream ends cleanly. */
  result(): { sha256: string; size: number } {
    if (!this.verified) throw new Error('TrailerVerifier.result() before the stream finished');
    return this.verified;
  }
}
