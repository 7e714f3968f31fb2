import { randomBytes } from 'node:crypto';
import type { Transform } from 'node:stream';
import { Decrypter, Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import {
  AgeDecryptor,
  AgeEncryptor,
  AgeFormatError,
} from '../../../../src/snapshot/pipeline/age-stream.js';
import { cut, pipeThrough } from '../../../support/streams.js';

const KiB = 1024;

/** `data` through `stage`, fed in pieces of `piece` bytes. */
const through = (data: Buffer, stage: Transform, piece = 10_000): Promise<Buffer> =>
  pipeThrough(cut(data, [piece]), stage);

const keys = async () => {
  const identity = await generateIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
};

// Sizes around age's 64 KiB chunk: an empty payload, partial, exactly full, one byte over, several.
const SIZES = [0, 1, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, 3 * 64 * KiB, 200 * KiB + 17];

describe('age payload on the native cipher', () => {
  it.each(SIZES)(
    '%i bytes: the reference implementation decrypts what we encrypt',
    async (size) => {
      const { identity, recipient } = await keys();
      const data = randomBytes(size);
      const sealed = await through(data, new AgeEncryptor([recipient]), 7_000);
      const reference = new Decrypter();
      reference.addIdentity(identity);
      expect(Buffer.from(await reference.decrypt(sealed)).equals(data)).toBe(true);
    },
  );

  it.each(SIZES)(
    '%i bytes: we decrypt what the reference implementation encrypts',
    async (size) => {
      const { identity, recipient } = await keys();
      const data = randomBytes(size);
      const reference = new Encrypter();
      reference.addRecipient(recipient);
      const sealed = Buffer.from(await reference.encrypt(data));
      // One byte at a time through the header, then larger pieces.
      expect((await through(sealed, new AgeDecryptor([identity], (e) => e), 1)).equals(data)).toBe(
        true,
      );
      expect(
        (await through(sealed, new AgeDecryptor([identity], (e) => e), 70_001)).equals(data),
      ).toBe(true);
    },
  );

  it('encrypts each file under a fresh key and nonce', async () => {
    const { recipient } = await keys();
    const data = Buffer.alloc(1000, 'x');
    const [a, b] = [
      await through(data, new AgeEncryptor([recipient])),
      await through(data, new AgeEncryptor([recipient])),
    ];
    expect(a.subarray(-1016).equals(b.subarray(-1016))).toBe(false);
  });

  it.each([
    ['a flipped payload byte', (s: Buffer) => s[s.length - 100]!++],
    ['a truncated final chunk', (s: Buffer) => s.subarray(0, s.length - 5)],
    ['a dropped final chunk', (s: Buffer) => s.subarray(0, s.length - (70 * KiB - 64 * KiB + 16))],
  ] as const)('refuses %s', async (_label, damage) => {
    const { identity, recipient } = await keys();
    const sealed = await through(randomBytes(70 * KiB), new AgeEncryptor([recipient]));
    const damaged = damage(sealed);
    const input = Buffer.isBuffer(damaged) ? damaged : sealed;
    await expect(through(input, new AgeDecryptor([identity], (e) => e))).rejects.toBeInstanceOf(
      AgeFormatError,
    );
  });

  it('refuses a stream that is not age', async () => {
    await expect(
      through(Buffer.alloc(10), new AgeDecryptor(['AGE-SECRET-KEY-1'], (e) => e)),
    ).rejects.toBeInstanceOf(AgeFormatError);
  });
});
