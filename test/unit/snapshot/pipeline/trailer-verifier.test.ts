import { createHash } from 'node:crypto';
import {
  DigestError,
  TrailerVerifier,
} from '../../../../src/snapshot/pipeline/trailer-verifier.js';
import { cut, pipeThrough } from '../../../support/streams.js';

function withTrailer(db: Buffer): Buffer {
  return Buffer.concat([db, createHash('sha256').update(db).digest()]);
}

/** Feeds `data` in chunks of the given sizes (cycled) and collects what passes through. */
async function run(
  data: Buffer,
  chunkSizes: number[],
): Promise<{ out: Buffer; verifier: TrailerVerifier }> {
  const verifier = new TrailerVerifier({ whole: true });
  return { out: await pipeThrough(cut(data, chunkSizes), verifier), verifier };
}

describe('TrailerVerifier', () => {
  const db = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));

  it.each([
    ['one chunk', [20_000]],
    ['chunks smaller than the trailer', [7]],
    ['a chunk boundary inside the trailer', [9_990, 5, 100]],
    ['single bytes', [1]],
  ])('accepts a valid stream fed as %s and passes every byte through', async (_name, sizes) => {
    const file = withTrailer(db);
    const { out, verifier } = await run(file, sizes);
    expect(out.equals(file)).toBe(true);
    expect(verifier.result()).toEqual({
      sha256: createHash('sha256').update(db).digest('hex'),
      size: file.length,
    });
    expect(verifier.bytes).toBe(file.length);
    expect(verifier.wholeSha256()).toBe(createHash('sha256').update(file).digest('hex'));
  });

  it('fails on a flipped byte, naming the mismatch', async () => {
    const file = withTrailer(db);
    file[1234] = file[1234]! ^ 0xff;
    await expect(run(file, [4096])).rejects.toMatchObject({ code: 'DigestMismatch' });
  });

  it('fails on a truncated stream (the last 32 bytes are not the digest)', async () => {
    const file = withTrailer(db).subarray(0, 8192);
    await expect(run(file, [1000])).rejects.toBeInstanceOf(DigestError);
  });

  it('fails when the stream ends before a trailer could exist', async () => {
    await expect(run(Buffer.alloc(20), [20])).rejects.toMatchObject({ code: 'TrailerMissing' });
  });
});
