import { readFileSync, writeFileSync } from 'node:fs';

/** One bit flipped in the middle: the size stays, the digest does not. */
export const flipMiddleBit = (bytes: Buffer): Buffer => {
  const damaged = Buffer.from(bytes);
  damaged[Math.floor(damaged.length / 2)]! ^= 0x20;
  return damaged;
};

/** The last `count` bytes cut off. */
export const truncate =
  (count: number) =>
  (bytes: Buffer): Buffer =>
    bytes.subarray(0, bytes.length - count);

/** Runs `body` while `file` holds `damage` of its bytes, then puts the original back, whatever happened. */
export async function whileDamaged<T>(
  file: string,
  body: () => Promise<T>,
  damage: (bytes: Buffer) => Buffer = flipMiddleBit,
): Promise<T> {
  const bytes = readFileSync(file);
  try {
    writeFileSync(file, damage(bytes));
    return await body();
  } finally {
    writeFileSync(file, bytes);
  }
}
