// Body streams for the ObjectStore contract: generated on demand (so the test
// itself never holds a large object), failing at the very end, or stalling.
import { createHash } from 'node:crypto';
import { Readable, Transform, pipeline } from 'node:stream';

export const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** Deterministic, non-repeating-per-chunk content so a misplaced part changes the digest. */
function chunkAt(offset: number, size: number): Buffer {
  const chunk = Buffer.alloc(size, offset / CHUNK);
  chunk.writeUInt32BE(offset >>> 0, 0);
  return chunk;
}

/** A source that produces `total` bytes only as fast as it is read (it honours backpressure). */
export function generated(total: number): Readable & { readonly pulled: () => number } {
  let offset = 0;
  const stream = new Readable({
    read() {
      if (offset >= total) return void this.push(null);
      const size = Math.min(CHUNK, total - offset);
      this.push(chunkAt(offset, size));
      offset += size;
    },
  });
  return Object.assign(stream, { pulled: () => offset });
}

export function digestOfGenerated(total: number): string {
  const hash = createHash('sha256');
  for (let offset = 0; offset < total; offset += CHUNK)
    hash.update(chunkAt(offset, Math.min(CHUNK, total - offset)));
  return hash.digest('hex');
}

export async function sha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What a snapshot pipeline does when etcd's trailing sha256 does not match: fail in flush. */
export class DigestMismatch extends Error {
  override readonly name = 'DigestMismatch';
}

/** `total` good bytes, then an error emitted from a Transform's flush, after the last data chunk. */
export function failingAtEnd(total: number): Readable {
  const verifier = new Transform({
    transform: (chunk, _encoding, callback) => callback(null, chunk),
    flush: (callback) => callback(new DigestMismatch('trailing digest does not match')),
  });
  return pipeline(generated(total), verifier, () => {});
}

/** Emits `bytes`, then waits until the test ends it with `fail(err)` (or the consumer destroys it). */
export function stalling(
  bytes: number,
): Readable & { readonly pulled: () => number; fail(err: Error): void } {
  let offset = 0;
  const stream = new Readable({
    read() {
      if (offset >= bytes) return; // stall: no push, no end
      const size = Math.min(CHUNK, bytes - offset);
      this.push(chunkAt(offset, size));
      offset += size;
    },
  });
  return Object.assign(stream, { pulled: () => offset, fail: (err: Error) => stream.destroy(err) });
}

export async function until(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
