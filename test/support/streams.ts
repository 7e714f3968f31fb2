import { Readable, Writable, type Duplex, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** `data` cut into pieces of the given sizes, cycled until it is used up. */
export function cut(data: Buffer, sizes: readonly number[]): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0, n = 0; at < data.length; n++) {
    const size = sizes[n % sizes.length]!;
    pieces.push(data.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

/** `pieces` through `stages` in one pipeline; what comes out of the last, concatenated. */
export async function pipeThrough(
  pieces: readonly Buffer[],
  ...stages: Array<Transform | Duplex>
): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(pieces),
    ...(stages as [Transform]),
    new Writable({
      write(chunk: Buffer, _enc, done) {
        out.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(out);
}
